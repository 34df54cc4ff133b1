package glow.actors.node;

import akka.actor.Address;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Builds settings of throw-away test nodes on 127.0.0.1, any port, with fast cluster timings. */
public final class TestNodes {
  private TestNodes() {}

  /** Settings of node {@code name}; {@code seed} is the address of a running node, or null to join itself. */
  public static NodeSettings settings(String name, Address seed) {
    return settings(name, seed, Map.of());
  }

  /** As {@link #settings(String, Address)}, with more overrides ({@code repo}, {@code data-dir} ...) on top. */
  public static NodeSettings settings(String name, Address seed, Map<String, String> more) {
    Map<String, String> o = new HashMap<>();
    o.put("name", name);
    o.put("cluster-port", "0");
    o.put("exit-jvm-on-shutdown", "off"); // would kill the test JVM
    if (seed != null) o.put("seeds", seed.host().get() + ":" + seed.port().get());
    // faster membership and data propagation than production defaults, for seconds-long tests
    o.put("akka.cluster.gossip-interval", "200ms");
    o.put("akka.cluster.leader-actions-interval", "200ms");
    o.put("akka.cluster.sharding.retry-interval", "200ms");
    o.put("akka.cluster.distributed-data.gossip-interval", "200ms");
    o.put("akka.cluster.distributed-data.notify-subscribers-interval", "50ms");
    o.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    o.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    o.putAll(more);
    return NodeSettings.load(Optional.empty(), o);
  }

  public static Address address(GlowNode node) {
    return node.cluster().selfMember().address();
  }
}
