package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import glow.actors.repo.GitRepo;
import glow.actors.repo.RepoSources;
import glow.actors.repo.RepoSync;
import glow.actors.repo.RepoUpdate;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The repo sync singleton and the node agent on a one-node cluster "dev", following a real git repo
 * (JGit, temp dir); the supervisors are {@link RecordingSupervisor} test entities, so the test sees
 * exactly which Ensure and Stop the agent sends.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NodeAgentTest {
  static Path tmp;
  static GitRepo repo;
  static GlowNode node;
  static ActorTestKit testKit;
  static final List<RecordingSupervisor.Received> received = new CopyOnWriteArrayList<>();
  static final List<String> applied = new CopyOnWriteArrayList<>();
  static final AtomicReference<Snapshot> current = new AtomicReference<>();
  static ActorRef<RepoSync.Command> sync;
  static ActorRef<NodeAgent.Command> agent;
  static ActorRef<Topic.Command<RepoUpdate>> topic;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("glow-agent-test");
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/a.yaml", "image: a\nversion: 1.0.0\nprovides: {http: 9100}\n")
        .write("deployments/a-1.yaml", "app: a\nnode: dev\ninstance: 1\n")
        .write("deployments/a-2.yaml", "app: a\nnode: n3\ninstance: 2\n")
        .commit("a on dev and n3");
    NodeSettings settings = TestNodes.settings("dev", null, Map.of("repo", repo.dir().toString(),
        "data-dir", tmp.resolve("data").toString(), "sync-interval", "1s"));
    node = GlowNode.start(settings, (ctx, n) -> {
      topic = ctx.spawn(Topic.create(RepoUpdate.class, RepoUpdate.TOPIC), "repo-updates");
      sync = RepoSync.init(n.system(), RepoSources.of(repo.dir().toString(), "main", settings.dataDir()),
          settings.syncInterval(), topic, n.registry(), current::get);
      InstanceSupervisors<InstanceSupervisor.Command> supervisors = Sharding.initInstanceSupervisors(n.system(),
          InstanceSupervisor.Command.class, ec -> RecordingSupervisor.create(ec.getEntityId(), received::add),
          new InstanceSupervisor.Stop());
      agent = ctx.spawn(NodeAgent.create(new NodeAgent.Wiring("dev", current, supervisors, topic, sync,
          s -> applied.add(s.version()), n.placement(), settings.syncInterval(), Duration.ofSeconds(2))), "node-agent");
    });
    testKit = ActorTestKit.create(node.system());
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    repo.close();
  }

  @Test
  void ensuresOnlyThisNodesInstancesAndReportsThoseOfAbsentNodesPending() {
    Await.until(() -> received.contains(new RecordingSupervisor.Received("dev/a#1", "Ensure")), "Ensure of dev/a#1");
    assertTrue(received.stream().noneMatch(r -> r.entityId().startsWith("n3/")), received.toString());

    TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
    agent.tell(new NodeAgent.GetInstances(probe.ref()));
    Map<String, InstanceStatus> byKey = new java.util.HashMap<>();
    probe.receiveMessage(Duration.ofSeconds(5)).instances().forEach(s -> byKey.put(s.key(), s));
    assertEquals("running", byKey.get("a#1").state());
    assertEquals("pending", byKey.get("a#2").state());
    assertEquals("node n3 not in cluster", byKey.get("a#2").detail());
    assertEquals("n3", byKey.get("a#2").node());
    assertEquals(Map.of("http", 9100), byKey.get("a#2").ports());
  }

  @Test
  void stopsAnInstanceWhoseDeploymentWasDeleted() throws Exception {
    repo.write("apps/b.yaml", "image: b\nversion: 1.0.0\nprovides: {http: 9200}\n")
        .write("deployments/b-1.yaml", "app: b\nnode: dev\n");
    syncAndAwait(repo.commit("b on dev"));
    Await.until(() -> received.contains(new RecordingSupervisor.Received("dev/b#1", "Ensure")), "Ensure of dev/b#1");

    syncAndAwait(repo.delete("deployments/b-1.yaml").delete("apps/b.yaml").commit("b gone"));
    Await.until(() -> received.contains(new RecordingSupervisor.Received("dev/b#1", "Stop")), "Stop of dev/b#1");
  }

  @Test
  void badYamlKeepsTheInstanceRunningAndReportsTheProblem() throws Exception {
    repo.write("apps/c.yaml", "image: c\nversion: 1.0.0\nprovides: {http: 9300}\n")
        .write("deployments/c-1.yaml", "app: c\nnode: dev\n");
    syncAndAwait(repo.commit("c on dev"));
    Await.until(() -> received.contains(new RecordingSupervisor.Received("dev/c#1", "Ensure")), "Ensure of dev/c#1");
    try {
      String bad = repo.write("apps/c.yaml", "image: c\nversion: [1.0.0\n").commit("broken c");
      syncAndAwait(bad);
      Snapshot s = current.get();
      assertTrue(s.instance("c#1").isPresent(), "the last good c stays in force");
      assertEquals("1.0.0", s.instance("c#1").get().spec().version());
      assertTrue(s.problems().stream().anyMatch(p -> p.file().equals("apps/c.yaml")), s.problems().toString());
      // two more reconcile passes (1 s apart) with the bad version in force: still ensured, never stopped
      int ensures = count("dev/c#1", "Ensure");
      Await.until(() -> count("dev/c#1", "Ensure") >= ensures + 2, "repeated Ensure of dev/c#1");
      assertEquals(0, count("dev/c#1", "Stop"));
    } finally {
      syncAndAwait(repo.delete("deployments/c-1.yaml").delete("apps/c.yaml").commit("c gone"));
    }
  }

  @Test
  void externalsOfTheRepoEnterTheRegistry() throws Exception {
    syncAndAwait(repo.write("externals/pg.yaml", "endpoints: [127.0.0.1:5432]\nprovides: {pg: 5432}\n").commit("pg"));
    TestProbe<ServiceRegistry.All> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      node.registry().tell(new ServiceRegistry.GetAll(probe.ref()));
      assertEquals(Set.of(new Endpoint("127.0.0.1:5432", ServiceRegistry.EXTERNAL)),
          probe.receiveMessage().services().get("pg:5432"));
      return null;
    });
  }

  @Test
  void theSingletonAnswersWithTheCurrentVersionAndAnUpdateSurvivesSerialization() {
    Await.until(() -> current.get() != null, "a first snapshot");
    TestProbe<RepoUpdate> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      sync.tell(new RepoSync.GetCurrent(probe.ref()));
      RepoUpdate update = probe.receiveMessage(Duration.ofMillis(500));
      new SerializationTestKit(node.system()).verifySerialization(update, true);
      assertEquals(current.get().version(), update.version());
      assertEquals(current.get().instances(), update.toSnapshot().instances());
      assertTrue(applied.contains(update.version()), "the agent handed " + update.version() + " to its listeners hook");
      return null;
    });
  }

  private static int count(String entityId, String message) {
    return (int) received.stream().filter(r -> r.equals(new RecordingSupervisor.Received(entityId, message))).count();
  }

  private static void syncAndAwait(String version) {
    sync.tell(new RepoSync.SyncNow());
    Await.until(() -> current.get() != null && current.get().version().equals(version), "version " + version + " in force");
  }

}
