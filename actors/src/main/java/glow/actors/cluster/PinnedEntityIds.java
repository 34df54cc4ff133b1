package glow.actors.cluster;

import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * The id scheme of pinned entities, {@code <node>/<instance-key>} (e.g. {@code n2/web#1}), and the
 * extractor that makes the node name the shard id; stateless.
 *
 * <p>One shard per node keeps allocation a lookup by name: the shard moves only with its node.
 * The instance key is opaque here (InstanceSupervisor decides it, e.g. {@code web#1}).
 */
public final class PinnedEntityIds {
  private PinnedEntityIds() {}

  /** The entity id of an instance on a node; rejects names that would break the scheme. */
  public static String entityId(String node, String instanceKey) {
    if (node.isEmpty() || node.contains("/")) {
      throw new IllegalArgumentException("node name \"" + node + "\" must be non-empty and contain no '/'");
    }
    if (instanceKey.isEmpty()) throw new IllegalArgumentException("instance key of node " + node + " is empty");
    return node + "/" + instanceKey;
  }

  /** The node named by an entity id (its shard id). */
  public static String node(String entityId) {
    int slash = entityId.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("entity id \"" + entityId + "\" is not <node>/<instance-key>");
    }
    return entityId.substring(0, slash);
  }

  /** The instance key of an entity id, everything after the first '/'. */
  public static String instanceKey(String entityId) {
    return entityId.substring(entityId.indexOf('/') + 1);
  }

  /** Routes {@link ShardingEnvelope}s (what {@code EntityRef} sends) to the shard of their node. */
  static final class Extractor<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {
    @Override
    public String entityId(ShardingEnvelope<M> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return node(entityId);
    }

    @Override
    public M unwrapMessage(ShardingEnvelope<M> envelope) {
      return envelope.message();
    }
  }
}
