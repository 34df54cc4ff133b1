package glow.actors.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.function.Function;

/**
 * The one place where Glow calls {@code ClusterSharding.init}; stateless.
 *
 * <p>Every node runs the region of every entity type (no sharding role): shards are pinned by
 * {@link PinnedShardAllocation}, not restricted by role.
 */
public final class Sharding {
  private Sharding() {}

  /** Type name of the instance supervisors; part of actor paths, so never change it. */
  public static final String INSTANCE_SUPERVISOR = "instance-supervisor";

  /** Type name of the job runners; part of actor paths, so never change it. */
  public static final String JOB_RUNNER = "job-runner";

  /**
   * Starts (idempotently) the region of instance supervisors on this node.
   *
   * @param commandType the supervisor's command type (it names the entity type key)
   * @param factory creates the supervisor of {@code ctx.getEntityId()}, which is
   *     {@code <node>/<instance-key>} ({@link PinnedEntityIds})
   * @param stopMessage what the region sends the supervisor on hand-off (node leaving) instead of
   *     stopping it at once: it should drain its process and then stop itself
   */
  public static <M> InstanceSupervisors<M> initInstanceSupervisors(
      ActorSystem<?> system, Class<M> commandType, Function<EntityContext<M>, Behavior<M>> factory, M stopMessage) {
    EntityTypeKey<M> typeKey = EntityTypeKey.create(commandType, INSTANCE_SUPERVISOR);
    ClusterSharding sharding = ClusterSharding.get(system);
    Entity<M, akka.cluster.sharding.typed.ShardingEnvelope<M>> entity =
        Entity.of(typeKey, factory::apply)
            .withMessageExtractor(new PinnedEntityIds.Extractor<M>())
            .withAllocationStrategy(new PinnedShardAllocation(system))
            // supervisors own OS processes: an idle one must keep running
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy());
    if (stopMessage != null) entity = entity.withStopMessage(stopMessage);
    return new InstanceSupervisors<>(typeKey, sharding.init(entity), sharding, Placement.get(system));
  }

  /**
   * Starts (idempotently) the region of job runners on this node: entity ids {@code
   * <node>/job:<name>}, pinned to the node like supervisors, never passivated (a runner owns the
   * processes of its runs), run on the blocking dispatcher (a runner writes its history file
   * synchronously). The returned handle's {@code tellIfUp} and {@code entityRef} take the key
   * {@code job:<name>}.
   */
  public static <M> InstanceSupervisors<M> initJobRunners(
      ActorSystem<?> system, Class<M> commandType, Function<EntityContext<M>, Behavior<M>> factory, M stopMessage) {
    EntityTypeKey<M> typeKey = EntityTypeKey.create(commandType, JOB_RUNNER);
    ClusterSharding sharding = ClusterSharding.get(system);
    Entity<M, akka.cluster.sharding.typed.ShardingEnvelope<M>> entity =
        Entity.of(typeKey, factory::apply)
            .withMessageExtractor(new PinnedEntityIds.Extractor<M>())
            .withAllocationStrategy(new PinnedShardAllocation(system))
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
            .withEntityProps(akka.actor.typed.DispatcherSelector.blocking())
            .withStopMessage(stopMessage);
    return new InstanceSupervisors<>(typeKey, sharding.init(entity), sharding, Placement.get(system));
  }
}
