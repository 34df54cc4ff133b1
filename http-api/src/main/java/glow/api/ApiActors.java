package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import glow.actors.instance.InstanceStatus;
import glow.actors.logs.NodeLogHub;
import glow.actors.repo.RepoUpdate;
import glow.api.events.NodeEvents;
import glow.api.events.RepoVersion;
import glow.api.logs.LogServer;
import glow.api.metrics.InstanceMetrics;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The parent of the actors one API runs on its node (the log server other nodes' APIs query, the
 * instance status topic, the node events relay): stopping it stops them all; one per API.
 */
final class ApiActors {
  private ApiActors() {}

  /** Stops the API's actors (sent by {@link GlowApi#close()}). */
  enum Stop { INSTANCE }

  /** What the parent hands back once its children exist. */
  record Started(ActorRef<Topic.Command<InstanceStatus>> statusTopic) {}

  static Behavior<Stop> create(String node, NodeLogHub logs, Path logsDir, ActorRef<Topic.Command<RepoUpdate>> repoTopic,
      AtomicReference<RepoVersion> repo, CompletableFuture<Started> started) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.supervise(LogServer.create(node, logs, logsDir)).onFailure(SupervisorStrategy.restart()), "log-server");
      ActorRef<Topic.Command<InstanceStatus>> statusTopic =
          ctx.spawn(Topic.create(InstanceStatus.class, NodeEvents.STATUS_TOPIC), "status-topic");
      // A topic is known to other nodes only while it has a subscriber (the receptionist learns of
      // it, then gossips it, seconds later under load). One subscriber for the API's lifetime keeps
      // this node known, so a client of /api/events hears other nodes' instances from its first
      // second instead of after that propagation.
      statusTopic.tell(Topic.subscribe(ctx.spawn(Behaviors.<InstanceStatus>ignore(), "status-topic-anchor")));
      ctx.spawn(Behaviors.supervise(NodeEvents.create(statusTopic, repoTopic, repo, new InstanceMetrics()))
          .onFailure(SupervisorStrategy.restart()), "node-events");
      started.complete(new Started(statusTopic));
      return Behaviors.receive(Stop.class).onMessageEquals(Stop.INSTANCE, Behaviors::stopped).build();
    });
  }
}
