package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.api.events.RepoVersion;
import glow.api.logs.LogServer;
import glow.api.metrics.MetricsText;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the routes of one node's API work with; one per API.
 *
 * @param repo the repo version in force on this node, kept by {@code NodeEvents}
 * @param logServer this node's log server (the other nodes' are at the same path)
 * @param repoSource the configured repo, for display
 */
record ApiContext(GlowNode glowNode, NodeServices services, ApiSettings settings, AtomicReference<RepoVersion> repo,
    ActorRef<LogServer.Command> logServer, MetricsText metrics, String repoSource) {

  ActorSystem<Void> system() {
    return glowNode.system();
  }

  /** This node's Glow name. */
  String node() {
    return glowNode.settings().name();
  }
}
