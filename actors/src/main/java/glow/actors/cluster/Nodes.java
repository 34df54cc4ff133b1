package glow.actors.cluster;

import glow.actors.CborSerializable;
import java.util.Set;

/**
 * One snapshot of which Glow nodes are in the cluster, as {@link Placement} sees it.
 *
 * @param up names of nodes whose member is Up: their shards can be allocated, send to them
 * @param unreachable names of Up nodes the failure detector cannot reach right now; messages to
 *     them are sent but may be lost until they are reachable again or downed
 */
public record Nodes(Set<String> up, Set<String> unreachable) implements CborSerializable {
  public static final Nodes NONE = new Nodes(Set.of(), Set.of());

  public Nodes {
    up = Set.copyOf(up);
    unreachable = Set.copyOf(unreachable);
  }

  public boolean isUp(String node) {
    return up.contains(node);
  }
}
