package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.pubsub.Topic;
import glow.actors.instance.InstanceStatus;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.api.events.RepoVersion;
import glow.api.metrics.MetricsText;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the routes of one node's API work with; one per API.
 *
 * @param repo the repo version in force on this node, kept by {@code NodeEvents}
 * @param statusTopic this node's topic actor of instance status changes (cluster-wide)
 * @param repoSource the configured repo, for display
 */
record ApiContext(GlowNode glowNode, NodeServices services, ApiSettings settings, AtomicReference<RepoVersion> repo,
    ActorRef<Topic.Command<InstanceStatus>> statusTopic, MetricsText metrics, String repoSource) {

  ActorSystem<Void> system() {
    return glowNode.system();
  }

  /** This node's Glow name. */
  String node() {
    return glowNode.settings().name();
  }
}
