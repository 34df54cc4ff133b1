package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.repo.RepoSources;
import glow.actors.repo.RepoSync;
import glow.actors.repo.RepoUpdate;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in one JVM following one plain-directory repo: the singleton on n1 hands the snapshot
 * to n2 over the wire, each agent ensures its own instances, n1 reports n2's instance pending
 * while n2 is gone, and a restarted n2 catches up by itself (it asks the singleton) and ensures
 * its instance again. Supervisors are {@link RecordingSupervisor} test entities.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeAgentTest {
  static Path repo;
  static final List<RecordingSupervisor.Received> received = new CopyOnWriteArrayList<>();
  static AgentNode n1;
  static AgentNode n2;

  /** One node with the repo stack and an agent; its supervisors record what they receive. */
  record AgentNode(GlowNode node, ActorTestKit testKit, AtomicReference<Snapshot> current,
      AtomicReference<ActorRef<NodeAgent.Command>> agent) {
    static AgentNode start(String name, Address seed) throws Exception {
      NodeSettings settings = TestNodes.settings(name, seed, Map.of("repo", repo.toString(), "sync-interval", "1s",
          "data-dir", repo.resolveSibling("data-" + name).toString()));
      AtomicReference<Snapshot> current = new AtomicReference<>();
      AtomicReference<ActorRef<NodeAgent.Command>> agent = new AtomicReference<>();
      GlowNode node = GlowNode.start(settings, (ctx, n) -> {
        ActorRef<Topic.Command<RepoUpdate>> topic = ctx.spawn(Topic.create(RepoUpdate.class, RepoUpdate.TOPIC), "repo-updates");
        ActorRef<RepoSync.Command> sync = RepoSync.init(n.system(), RepoSources.of(repo.toString(), "main",
            settings.dataDir()), settings.syncInterval(), topic, n.registry(), current::get);
        InstanceSupervisors<InstanceSupervisor.Command> supervisors = Sharding.initInstanceSupervisors(n.system(),
            InstanceSupervisor.Command.class, ec -> RecordingSupervisor.create(ec.getEntityId(), received::add),
            new InstanceSupervisor.Stop());
        agent.set(ctx.spawn(NodeAgent.create(new NodeAgent.Wiring(name, current, supervisors, topic, sync, s -> {},
            n.placement(), settings.syncInterval(), Duration.ofSeconds(2))), "node-agent"));
      });
      node.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return new AgentNode(node, ActorTestKit.create(node.system()), current, agent);
    }

    Map<String, InstanceStatus> instances() {
      TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
      agent.get().tell(new NodeAgent.GetInstances(probe.ref()));
      Map<String, InstanceStatus> byKey = new HashMap<>();
      probe.receiveMessage(Duration.ofSeconds(10)).instances().forEach(s -> byKey.put(s.key(), s));
      return byKey;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    repo = Files.createTempDirectory("glow-two-agents").resolve("repo");
    Files.createDirectories(repo.resolve("apps"));
    Files.createDirectories(repo.resolve("deployments"));
    Files.writeString(repo.resolve("apps/x.yaml"), "image: x\nversion: 1.0.0\nprovides: {http: 9400}\n");
    Files.writeString(repo.resolve("deployments/x-1.yaml"), "app: x\nnode: n1\ninstance: 1\n");
    Files.writeString(repo.resolve("deployments/x-2.yaml"), "app: x\nnode: n2\ninstance: 2\n");
    n1 = AgentNode.start("n1", null);
  }

  @AfterAll
  static void stop() {
    if (n2 != null) n2.testKit().shutdownTestKit();
    n1.testKit().shutdownTestKit();
  }

  @Test
  @Order(1)
  void anInstanceOfAnAbsentNodeIsPendingAndNeverSent() {
    Await.until(() -> received.contains(new RecordingSupervisor.Received("n1/x#1", "Ensure")), "Ensure of n1/x#1");
    InstanceStatus x2 = n1.instances().get("x#2");
    assertEquals("pending", x2.state());
    assertEquals("node n2 not in cluster", x2.detail());
    assertEquals(List.of(), received.stream().filter(r -> r.entityId().startsWith("n2/")).toList());
  }

  @Test
  @Order(2)
  void aJoiningNodeGetsTheSnapshotOverTheWireAndEnsuresItsOwnInstance() throws Exception {
    n2 = AgentNode.start("n2", TestNodes.address(n1.node()));
    Await.until(() -> received.contains(new RecordingSupervisor.Received("n2/x#2", "Ensure")), "Ensure of n2/x#2");
    assertEquals(n1.current().get().version(), n2.current().get().version());
    assertEquals(n1.current().get().instances(), n2.current().get().instances());
    TestProbe<Void> waiter = n1.testKit().createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals("running", n1.instances().get("x#2").state(), "asked from n1, answered by the entity on n2");
      return null;
    });
  }

  @Test
  @Order(3)
  void aRestartedNodeCatchesUpAndEnsuresItsInstanceAgain() throws Exception {
    n2.node().stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    TestProbe<Void> waiter = n1.testKit().createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(15), () -> {
      assertEquals("pending", n1.instances().get("x#2").state());
      return null;
    });
    int before = (int) received.stream().filter(r -> r.equals(new RecordingSupervisor.Received("n2/x#2", "Ensure"))).count();
    n2 = AgentNode.start("n2", TestNodes.address(n1.node()));
    Await.until(() -> received.stream()
        .filter(r -> r.equals(new RecordingSupervisor.Received("n2/x#2", "Ensure"))).count() > before, "a new Ensure of n2/x#2");
    assertEquals(n1.current().get().version(), n2.current().get().version());
  }
}
