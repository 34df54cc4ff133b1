package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.typed.Down;
import glow.actors.instance.InstanceStatus;
import glow.actors.listener.ListenersSettings;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import glow.actors.repo.GitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a downed node does with its instances, with two whole nodes in one JVM and real processes:
 * n1 downs n2 (as the split brain resolver does on the majority side; on a minority side n2's own
 * resolver downs it, which takes the same path on n2), and n2 shuts itself down through
 * coordinated shutdown, stopping its instance's process; n1 drops n2's endpoint and reports the
 * instance pending.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DownedNodeTest {
  static Path tmp;
  static GitRepo repo;
  static Path artifacts;
  static int port;
  static FullNode n1;
  static FullNode n2;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("glow-downed");
    artifacts = tmp.resolve("artifacts");
    TestArtifacts.copyDemo(artifacts, "greeter", "1.0.0");
    port = NodeEndToEndTest.freePort();
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/greeter.yaml", "image: greeter\nversion: 1.0.0\nprovides: {http: " + port + "}\n"
            + "config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}\n"
            + "health: {port: http, http: /healthz, interval: 300ms, timeout: 1s}\n")
        .write("configs/greeter.properties", "greeting=Hello\n")
        .write("deployments/greeter-1.yaml", "app: greeter\nnode: n2\ninstance: 1\n")
        .commit("a greeter on n2");
    n1 = FullNode.start("n1", null, tmp, repo.dir(), artifacts, ListenersSettings.defaults());
    n2 = FullNode.start("n2", TestNodes.address(n1.node()), tmp, repo.dir(), artifacts, ListenersSettings.defaults());
  }

  @AfterAll
  static void stop() {
    if (n2 != null) n2.close();
    if (n1 != null) n1.close();
    repo.close();
  }

  @Test
  void aDownedNodeStopsItsInstancesAndShutsDown() throws Exception {
    Await.until(() -> "running".equals(state(n1.instances().get("greeter#1"))), "greeter#1 running on n2, seen from n1");
    long pid = n1.instances().get("greeter#1").pid();
    assertTrue(NodeEndToEndTest.alive(pid));
    Endpoint endpoint = new Endpoint("127.0.0.1:" + port, "n2");
    Await.until(() -> endpoints(n1).contains(endpoint), "n2's endpoint in n1's registry");

    n1.node().cluster().manager().tell(new Down(TestNodes.address(n2.node())));

    n2.node().system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(CoordinatedShutdown.clusterDowningReason(),
        CoordinatedShutdown.get(n2.node().system()).getShutdownReason().orElseThrow(), "n2 shut down because it was downed");
    Await.until(() -> !NodeEndToEndTest.alive(pid), "greeter#1's process " + pid + " stopped with its downed node");
    // removed once n1 sees it unreachable (its system is gone); before that n1's singletons would
    // still wait for it to take them over
    Await.until(() -> StreamSupport.stream(n1.node().cluster().state().getMembers().spliterator(), false)
        .noneMatch(m -> m.hasRole(NodeSettings.ROLE_PREFIX + "n2")), "n2 removed from n1's membership");
    Await.until(() -> !endpoints(n1).contains(endpoint), "n2's endpoint gone from n1's registry");
    InstanceStatus pending = n1.instances().get("greeter#1");
    assertEquals("pending", pending.state());
    assertEquals("node n2 not in cluster", pending.detail());
    assertFalse(n1.node().placement().isUp("n2"));
  }

  private static String state(InstanceStatus s) {
    return s == null ? null : s.state();
  }

  private static Set<Endpoint> endpoints(FullNode n) {
    TestProbe<ServiceRegistry.All> probe = n.testKit().createTestProbe();
    n.node().registry().tell(new ServiceRegistry.GetAll(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5)).services().getOrDefault("greeter:" + port, Set.of());
  }
}
