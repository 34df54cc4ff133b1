package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.cluster.Member;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.SupervisorTiming;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.actors.node.NodeSettings;
import glow.actors.process.OsProcessDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import kamon.Kamon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes with no seeds, only {@code glow.node.bootstrap} listing both APIs (config discovery,
 * two contact points required): neither forms a cluster alone, and once both APIs answer
 * /bootstrap/seed-nodes they form one cluster of two.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoNodeBootstrapTest {
  static Path tmp;
  static int port1;
  static int port2;
  static BootNode n1;
  static BootNode n2;
  static final Client client = new Client();

  /** A node with the real process driver, no repo, and its API on a fixed port, joining by bootstrap only. */
  record BootNode(GlowNode node, GlowApi api, OsProcessDriver driver, NodeLogHub logs) {
    static BootNode start(String name, int apiPort) throws Exception {
      Path data = tmp.resolve(name);
      Path conf = Files.writeString(tmp.resolve(name + ".conf"), "glow.node.bootstrap {\n  service-name = glow-test\n"
          + "  contact-points = [\"127.0.0.1:" + port1 + "\", \"127.0.0.1:" + port2 + "\"]\n}\n");
      Map<String, String> o = new HashMap<>();
      o.put("name", name);
      o.put("cluster-port", "0");
      o.put("exit-jvm-on-shutdown", "off");
      o.put("data-dir", data.toString());
      o.put("api", "127.0.0.1:" + apiPort);
      o.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
      o.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
      o.put("akka.cluster.gossip-interval", "200ms");
      o.put("akka.cluster.leader-actions-interval", "200ms");
      // bootstrap timings for a seconds-long test (defaults: 1 s lookups, 5 s stable margin)
      o.put("akka.management.cluster.bootstrap.contact-point-discovery.interval", "200ms");
      o.put("akka.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s");
      o.put("akka.management.cluster.bootstrap.contact-point.probe-interval", "200ms");
      NodeSettings settings = NodeSettings.load(Optional.of(conf), o);
      OsProcessDriver driver = new OsProcessDriver(data.resolve("processes"));
      NodeLogHub logs = new NodeLogHub(100, 100);
      Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
      NodeServices services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(
          data.resolve("artifacts").toString(), data.resolve("artifact-cache")), logs, SupervisorTiming.fast(),
          ListenersSettings.defaults(), env));
      GlowNode node = GlowNode.start(settings, services);
      return new BootNode(node, GlowApi.start(node, services, logs, ApiSettings.of(settings)), driver, logs);
    }

    Set<String> members() {
      return StreamSupport.stream(node.cluster().state().getMembers().spliterator(), false)
          .filter(m -> m.status() == akka.cluster.MemberStatus.up()).map(Member::address).map(Object::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    }

    void close() throws Exception {
      api.close();
      node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      driver.close();
      logs.close();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Kamon.initWithoutAttaching(ConfigFactory.parseString("kamon.prometheus.start-embedded-http-server = no")
        .withFallback(ConfigFactory.load()));
    tmp = Files.createTempDirectory("glow-bootstrap");
    port1 = TestNode.freePort();
    port2 = TestNode.freePort();
    n1 = BootNode.start("n1", port1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (n2 != null) n2.close();
    if (n1 != null) n1.close();
    scala.jdk.javaapi.FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Stream<Path> all = Files.walk(tmp)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void nodesWithoutSeedsFormOneClusterOnceTheRequiredContactPointsAnswer() throws Exception {
    // one of two required contact points answers: several stable margins pass and no cluster forms
    assertThrows(TimeoutException.class, () -> n1.node().whenUp().toCompletableFuture().get(4, TimeUnit.SECONDS));
    n2 = BootNode.start("n2", port2);
    n1.node().whenUp().toCompletableFuture().get(40, TimeUnit.SECONDS);
    n2.node().whenUp().toCompletableFuture().get(40, TimeUnit.SECONDS);
    Set<String> both = new TreeSet<>(Set.of(n1.node().cluster().selfMember().address().toString(),
        n2.node().cluster().selfMember().address().toString()));
    // each sees the other Up once gossip converges (a poll with a deadline: no event to wait on)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && !(n1.members().equals(both) && n2.members().equals(both))) {
      TimeUnit.MILLISECONDS.sleep(50); // poll period
    }
    assertEquals(both, n1.members());
    assertEquals(both, n2.members());

    // what a joining node reads from any contact point: served by Glow's own API
    JsonNode seeds = client.get("http://127.0.0.1:" + port2 + "/bootstrap/seed-nodes").json();
    Set<String> listed = new TreeSet<>();
    seeds.get("seedNodes").forEach(s -> listed.add(s.get("node").asText()));
    assertEquals(both, listed, seeds.toString());
    assertEquals(n2.node().cluster().selfMember().address().toString(), seeds.get("selfNode").asText());
  }
}
