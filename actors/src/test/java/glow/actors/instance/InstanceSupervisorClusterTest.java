package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.eventstream.EventStream;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Nodes;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Ensure;
import glow.actors.instance.InstanceSupervisor.Stop;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.process.InMemoryProcessDriver.InMemoryProcess;
import glow.actors.process.Signal;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervisors as sharded entities of a one-node cluster, registering in the real cluster
 * registry: found by entity id, removed with their deployment, drained on hand-off at shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InstanceSupervisorClusterTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path root;

  @Test
  void shardedSupervisorsRegisterInTheClusterRegistryStopWithTheirDeploymentAndDrainOnHandOff() throws Exception {
    Fixture fx = new Fixture(root);
    InMemoryProcessDriver driver = new InMemoryProcessDriver();
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (var app : Map.of("alpha", a.getLocalPort(), "beta", b.getLocalPort()).entrySet()) {
        fx.artifact(app.getKey(), "1.0.0", true, true);
        fx.file("apps/" + app.getKey() + ".yaml", "image: " + app.getKey() + "\nversion: 1.0.0\nprovides: {http: "
            + app.getValue() + "}\nhealth: {interval: 100ms}\n").deploy(app.getKey(), 1);
      }
      fx.load();
      GlowNode node = GlowNode.start(TestNodes.settings("n1", null));
      ActorTestKit testKit = ActorTestKit.create(node.system());
      try {
        InstanceRuntime runtime = fx.runtime(driver, node.registry(), SupervisorTiming.fast(), Map.of());
        InstanceSupervisors<Command> supervisors = Sharding.initInstanceSupervisors(node.system(), Command.class,
            ctx -> InstanceSupervisor.create(ctx.getEntityId(), runtime), new Stop());
        TestProbe<Nodes> nodes = testKit.createTestProbe();
        node.placement().subscribe(nodes.ref());
        nodes.fishForMessage(WAIT, n -> n.isUp("n1") ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        TestProbe<InstanceStatus> events = testKit.createTestProbe();
        node.system().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class, events.ref()));
        String alpha = "alpha:" + a.getLocalPort();
        String beta = "beta:" + b.getLocalPort();
        TestProbe<ServiceRegistry.Endpoints> alphaEndpoints = testKit.createTestProbe();
        TestProbe<ServiceRegistry.Endpoints> betaEndpoints = testKit.createTestProbe();
        node.registry().tell(new ServiceRegistry.Subscribe(alpha, alphaEndpoints.ref()));
        node.registry().tell(new ServiceRegistry.Subscribe(beta, betaEndpoints.ref()));

        assertTrue(supervisors.tellIfUp("n1", "alpha#1", new Ensure()));
        assertTrue(supervisors.tellIfUp("n1", "beta#1", new Ensure()));

        Set<Endpoint> alphaUp = Set.of(new Endpoint("127.0.0.1:" + a.getLocalPort(), "n1"));
        alphaEndpoints.fishForMessage(WAIT, e -> e.endpoints().equals(alphaUp)
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        Set<Endpoint> betaUp = Set.of(new Endpoint("127.0.0.1:" + b.getLocalPort(), "n1"));
        betaEndpoints.fishForMessage(WAIT, e -> e.endpoints().equals(betaUp)
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        InstanceStatus asked = supervisors.entityRef("n1", "alpha#1")
            .<InstanceStatus>ask(InstanceSupervisor.GetStatus::new, WAIT).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("running", asked.state());
        assertEquals("alpha:1.0.0#1", asked.id());

        // the deployment file of alpha is deleted: its endpoint leaves the registry, its process stops
        fx.delete("deployments/alpha-1.yaml").load();
        supervisors.tellIfUp("n1", "alpha#1", new Ensure());
        alphaEndpoints.fishForMessage(WAIT, e -> e.endpoints().isEmpty()
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        InMemoryProcess alphaProcess = driver.started().stream()
            .filter(p -> "alpha".equals(p.spec().environment().get("GLOW_APP"))).findFirst().orElseThrow();
        events.awaitAssert(WAIT, () -> {
          assertFalse(alphaProcess.isRunning());
          return null;
        });

        // the node shuts down: sharding hands beta off with Stop, which drains and stops the process
        node.stop();
        List<InstanceStatus> seen = events.fishForMessage(WAIT, s -> s.key().equals("beta#1") && s.state().equals("stopped")
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        assertEquals("stopped (killed by signal 15)", seen.get(seen.size() - 1).detail());
        InMemoryProcess betaProcess = driver.started().stream()
            .filter(p -> "beta".equals(p.spec().environment().get("GLOW_APP"))).findFirst().orElseThrow();
        assertFalse(betaProcess.isRunning());
        assertEquals(List.of(Signal.TERM), betaProcess.signals());
        node.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } finally {
        testKit.shutdownTestKit();
        driver.close();
        fx.hub.close();
      }
    }
  }
}
