package glow.actors.node;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.SupervisorTiming;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.OsProcessDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test node with everything NodeServices starts and the real process driver, reading a real git
 * repo; one per simulated node in the multi-node tests of this package.
 */
record FullNode(GlowNode node, NodeServices services, OsProcessDriver driver, NodeLogHub logs, ActorTestKit testKit) {

  /**
   * Starts node {@code name} (joining {@code seed}, or alone when null) with its data under
   * {@code tmp/data-<name>}, syncing {@code repo} every second, and waits until it is Up.
   */
  static FullNode start(String name, Address seed, Path tmp, Path repo, Path artifacts, ListenersSettings listeners)
      throws Exception {
    Path data = tmp.resolve("data-" + name);
    NodeSettings settings = TestNodes.settings(name, seed, Map.of("repo", repo.toString(),
        "data-dir", data.toString(), "artifacts", artifacts.toString(), "sync-interval", "1s"));
    OsProcessDriver driver = new OsProcessDriver(data.resolve("processes"));
    NodeLogHub logs = new NodeLogHub(1000, 1000);
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "JAVA_HOME", System.getProperty("java.home"));
    NodeServices services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(artifacts.toString(),
        data.resolve("artifact-cache")), logs, SupervisorTiming.fast(), listeners, env));
    GlowNode node = GlowNode.start(settings, services);
    node.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return new FullNode(node, services, driver, logs, ActorTestKit.create(node.system()));
  }

  /** Every instance this node's agent reports (cluster-wide), by key. */
  Map<String, InstanceStatus> instances() {
    TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
    services.agent().tell(new NodeAgent.GetInstances(probe.ref()));
    Map<String, InstanceStatus> byKey = new HashMap<>();
    probe.receiveMessage(Duration.ofSeconds(10)).instances().forEach(s -> byKey.put(s.key(), s));
    return byKey;
  }

  /** Waits up to 40 s until instance {@code key} is in {@code state}; returns its status then. */
  InstanceStatus await(String key, String state) {
    Instant deadline = Instant.now().plusSeconds(40);
    InstanceStatus last = null;
    while (Instant.now().isBefore(deadline)) {
      last = instances().get(key);
      if (last != null && last.state().equals(state)) return last;
      Await.pause();
    }
    throw new AssertionError("timed out waiting for " + key + " " + state + "; last: " + last);
  }

  void close() {
    testKit.shutdownTestKit();
    driver.close();
    logs.close();
  }
}
