package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.instance.InstanceStatus;
import glow.actors.listener.ListenersSettings;
import glow.actors.registry.ServiceRegistry;
import glow.actors.repo.GitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two whole nodes in one JVM with real processes: the greeter runs on n2, its consumer on n1
 * reaches it through n1's loopback proxy (discovery across nodes through the registry), an
 * instance placed on an absent node n3 is pending, and when n2 leaves its process stops, its
 * endpoint leaves n1's registry and n1 reports the greeter pending.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoNodeEndToEndTest {
  static Path tmp;
  static GitRepo repo;
  static Path artifacts;
  static int greeterPort;
  static int local;
  static FullNode n1;
  static FullNode n2;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("glow-e2e-two");
    artifacts = tmp.resolve("artifacts");
    TestArtifacts.copyDemo(artifacts, "greeter", "1.0.0");
    TestArtifacts.tarGz(artifacts, "client", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"), true, null);
    greeterPort = NodeEndToEndTest.freePortPair();
    local = NodeEndToEndTest.freePort();
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/greeter.yaml", "image: greeter\nversion: 1.0.0\nprovides: {http: " + greeterPort + "}\n"
            + "config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}\n"
            + "health: {port: http, http: /healthz, interval: 300ms, timeout: 1s}\n")
        .write("configs/greeter.properties", "greeting=Hello\n")
        .write("deployments/greeter-1.yaml", "app: greeter\nnode: n2\ninstance: 1\n")
        .write("deployments/greeter-2.yaml", "app: greeter\nnode: n3\ninstance: 2\nport-offset: 1\n")
        .write("apps/client.yaml", "image: client\nversion: 1.0.0\nrequires:\n  - greeter:http -> " + local + "\n")
        .write("deployments/client-1.yaml", "app: client\nnode: n1\n")
        .commit("greeter on n2 and n3, its client on n1");
    n1 = FullNode.start("n1", null, tmp, repo.dir(), artifacts, ListenersSettings.defaults().withDrainGrace(Duration.ofSeconds(1)));
    n2 = FullNode.start("n2", TestNodes.address(n1.node()), tmp, repo.dir(), artifacts,
        ListenersSettings.defaults().withDrainGrace(Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    if (n2 != null) n2.close();
    if (n1 != null) n1.close();
    repo.close();
  }

  @Test
  @Order(1)
  void anInstanceOnAnotherNodeAnswersThroughThisNodesLoopbackPort() throws Exception {
    n1.await("greeter#1", "running");
    n1.await("client#1", "running");
    InstanceStatus absent = n1.instances().get("greeter#2");
    assertEquals("pending", absent.state());
    assertEquals("node n3 not in cluster", absent.detail());
    Instant deadline = Instant.now().plusSeconds(30);
    String last = null;
    for (int i = 0; i < 200 && Instant.now().isBefore(deadline); i++) { // the client's proxy learns the endpoint by gossip
      try {
        last = NodeEndToEndTest.get(local);
        if (last.equals("Hello from greeter:1.0.0#1 (greeter 1.0.0)")) return;
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      Await.pause();
    }
    throw new AssertionError("no answer from the greeter on n2 through 127.0.0.1:" + local + " of n1; last: " + last);
  }

  @Test
  @Order(2)
  void aNodeThatLeavesStopsItsProcessesAndItsInstancesBecomePendingElsewhere() throws Exception {
    long pid = n1.instances().get("greeter#1").pid();
    n2.node().stop().toCompletableFuture().get(45, TimeUnit.SECONDS);
    assertFalse(NodeEndToEndTest.alive(pid), "greeter#1's process stopped with its node");
    assertEquals("pending", n1.await("greeter#1", "pending").state());
    assertEquals("node n2 not in cluster", n1.instances().get("greeter#1").detail());
    TestProbe<ServiceRegistry.All> probe = n1.testKit().createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      n1.node().registry().tell(new ServiceRegistry.GetAll(probe.ref()));
      assertTrue(probe.receiveMessage().services().get("greeter:" + greeterPort) == null, "n2's endpoint is gone");
      return null;
    });
  }
}
