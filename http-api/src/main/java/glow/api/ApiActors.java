package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
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
 * node events relay): stopping it stops them all; one per API. Their paths are the same on every
 * node, which is how the other nodes' APIs reach them ({@link ClusterPeers}).
 */
final class ApiActors {
  private ApiActors() {}

  /** Stops the API's actors (sent by {@link GlowApi#close()}). */
  enum Stop { INSTANCE }

  /** What the parent hands back once its children exist. */
  record Started(ActorRef<LogServer.Command> logServer) {}

  static Behavior<Stop> create(String node, NodeLogHub logs, Path logsDir, ActorRef<Topic.Command<RepoUpdate>> repoTopic,
      AtomicReference<RepoVersion> repo, CompletableFuture<Started> started) {
    return Behaviors.setup(ctx -> {
      ActorRef<LogServer.Command> logServer = ctx.spawn(
          Behaviors.supervise(LogServer.create(node, logs, logsDir)).onFailure(SupervisorStrategy.restart()), "log-server");
      ctx.spawn(Behaviors.supervise(NodeEvents.create(repoTopic, repo, new InstanceMetrics()))
          .onFailure(SupervisorStrategy.restart()), "node-events");
      started.complete(new Started(logServer));
      return Behaviors.receive(Stop.class).onMessageEquals(Stop.INSTANCE, Behaviors::stopped).build();
    });
  }
}
