package glow.actors.cluster;

import glow.actors.CborSerializable;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One snapshot of which Glow nodes are in the cluster, as {@link Placement} sees it.
 *
 * @param up names of nodes whose member is Up: their shards can be allocated, send to them
 * @param unreachableSince names of Up nodes some member's failure detector cannot reach right now
 *     (cluster-wide, from gossip), with when this node first heard of it; messages to them are sent
 *     but may be lost until they are reachable again or downed. Never contains this node itself.
 */
public record Nodes(Set<String> up, Map<String, Instant> unreachableSince) implements CborSerializable {
  public static final Nodes NONE = new Nodes(Set.of(), Map.of());

  public Nodes {
    up = Set.copyOf(up);
    unreachableSince = Map.copyOf(unreachableSince);
  }

  public boolean isUp(String node) {
    return up.contains(node);
  }

  /** Names of the Up nodes that are unreachable now. */
  public Set<String> unreachable() {
    return unreachableSince.keySet();
  }

  /** True when {@code node} is Up and reachable: its instances can be asked and are served. */
  public boolean isReachable(String node) {
    return up.contains(node) && !unreachableSince.containsKey(node);
  }
}
