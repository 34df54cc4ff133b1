package glow.actors.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import glow.actors.cluster.Placement;
import glow.actors.registry.ServiceRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Glow node: the {@code glow} actor system, its cluster membership and the node-wide
 * actors every feature needs (service registry, placement); one per JVM in production.
 *
 * <p>Features plug in through {@link Extras}, called once inside the guardian's setup after the
 * core actors exist: spawn your actors there with {@code ctx.spawn} (children of the guardian) and
 * init your sharded types through {@code glow.actors.cluster.Sharding}.
 */
public final class GlowNode {
  /** Starts a feature's actors on the node; runs once, in the guardian, before start() returns. */
  @FunctionalInterface
  public interface Extras {
    void start(ActorContext<Void> guardian, GlowNode node);
  }

  /** Why {@link #stop()} ran coordinated shutdown (shows in Akka's shutdown log). */
  public enum StopRequested implements CoordinatedShutdown.Reason { INSTANCE }

  // Guardian setup only spawns actors: if it takes longer, something is deadlocked.
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final NodeSettings settings;
  private final ActorRef<ServiceRegistry.Command> registry;
  private final CompletableFuture<Done> up = new CompletableFuture<>();

  private GlowNode(ActorSystem<Void> system, NodeSettings settings, ActorRef<ServiceRegistry.Command> registry) {
    this.system = system;
    this.settings = settings;
    this.registry = registry;
    akka.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> up.complete(Done.getInstance()));
  }

  public static GlowNode start(NodeSettings settings) {
    return start(settings, (ctx, node) -> {});
  }

  /**
   * Starts the actor system and joins the cluster: the seeds if any, else itself (a one-node
   * cluster, the {@code glow dev} case). With {@code glow.node.bootstrap} it joins nothing: the
   * management API (glow.api.GlowApi) starts the bootstrap once it is bound. Returns once the
   * guardian and {@code extras} have set up; membership becomes Up asynchronously, see
   * {@link #whenUp()}.
   *
   * @throws IllegalStateException if {@code extras} threw (the system is then terminated)
   */
  public static GlowNode start(NodeSettings settings, Extras extras) {
    CompletableFuture<GlowNode> ready = new CompletableFuture<>();
    ActorSystem<Void> system =
        ActorSystem.create(guardian(settings, extras, ready), NodeSettings.SYSTEM_NAME, settings.akkaConfig());
    try {
      GlowNode node = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (settings.seeds().isEmpty() && settings.bootstrap().isEmpty()) {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      } // else akka.cluster.seed-nodes (from NodeSettings.akkaConfig) joins by itself, or the
        // management API starts the bootstrap once it serves /bootstrap/seed-nodes
      return node;
    } catch (ExecutionException | TimeoutException e) {
      system.terminate();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("node " + settings.name() + " did not start: " + cause, cause);
    } catch (InterruptedException e) {
      system.terminate();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting node " + settings.name(), e);
    }
  }

  private static Behavior<Void> guardian(NodeSettings settings, Extras extras, CompletableFuture<GlowNode> ready) {
    return Behaviors.setup(ctx -> {
      Placement.get(ctx.getSystem()); // start following membership from the first event
      ActorRef<ServiceRegistry.Command> registry = ctx.spawn(
          Behaviors.supervise(ServiceRegistry.create()).onFailure(SupervisorStrategy.restart()),
          "service-registry");
      GlowNode node = new GlowNode(ctx.getSystem(), settings, registry);
      try {
        extras.start(ctx, node);
      } catch (RuntimeException | Error e) {
        ready.completeExceptionally(e);
        throw e;
      }
      ready.complete(node);
      return Behaviors.empty();
    });
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public NodeSettings settings() {
    return settings;
  }

  public Cluster cluster() {
    return Cluster.get(system);
  }

  public ClusterSharding sharding() {
    return ClusterSharding.get(system);
  }

  public Placement placement() {
    return Placement.get(system);
  }

  /** The cluster-wide service registry's local replica. */
  public ActorRef<ServiceRegistry.Command> registry() {
    return registry;
  }

  /** Completes when this node's member is Up (never, if it cannot join). */
  public CompletionStage<Done> whenUp() {
    return up;
  }

  /**
   * Leaves the cluster gracefully (shards handed off, supervisors drained) and terminates the
   * system; the JVM exits afterwards if {@code glow.node.exit-jvm-on-shutdown} is on.
   */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(StopRequested.INSTANCE);
  }
}
