package glow.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Handle to a region of entities pinned to nodes, returned by {@link Sharding#initInstanceSupervisors}
 * (instance supervisors) and {@link Sharding#initJobRunners} (job runners, keys {@code job:<name>});
 * one per entity type per actor system.
 *
 * <p>{@link #tellIfUp} is the safe way to reach a supervisor: it refuses to send to a node that is
 * not Up, because sharding would buffer the message until that node joins.
 */
public final class InstanceSupervisors<M> {
  private final EntityTypeKey<M> typeKey;
  private final ActorRef<ShardingEnvelope<M>> region;
  private final ClusterSharding sharding;
  private final Placement placement;

  InstanceSupervisors(
      EntityTypeKey<M> typeKey, ActorRef<ShardingEnvelope<M>> region, ClusterSharding sharding, Placement placement) {
    this.typeKey = typeKey;
    this.region = region;
    this.sharding = sharding;
    this.placement = placement;
  }

  public EntityTypeKey<M> typeKey() {
    return typeKey;
  }

  /** The local shard region; accepts {@code new ShardingEnvelope<>(entityId, message)}. */
  public ActorRef<ShardingEnvelope<M>> region() {
    return region;
  }

  /**
   * Sends {@code message} to the supervisor of {@code instanceKey} on {@code node} if that node is
   * Up now, and says whether it did. When it returns false nothing was sent: record the instance
   * as pending and send again when {@link Placement} reports the node Up.
   */
  public boolean tellIfUp(String node, String instanceKey, M message) {
    if (!placement.isUp(node)) return false;
    entityRef(node, instanceKey).tell(message);
    return true;
  }

  /**
   * The entity ref without the Up check, for asks ({@code ref.ask(...)}); check
   * {@link Placement#isUp} first or the ask waits until the node joins or the ask times out.
   */
  public EntityRef<M> entityRef(String node, String instanceKey) {
    return sharding.entityRefFor(typeKey, PinnedEntityIds.entityId(node, instanceKey));
  }
}
