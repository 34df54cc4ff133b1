package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.typed.Down;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import glow.actors.registry.ServiceRegistry.Endpoints;
import glow.actors.repo.RepoSources;
import glow.actors.repo.RepoSync;
import glow.actors.repo.RepoUpdate;
import glow.actors.upstream.UpstreamPool;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in a second JVM (n2, {@link ChildNodeMain}) joins a node in the test JVM (n1) and
 * registers an endpoint; n1's registry and an UpstreamPool fed by it drop that endpoint within
 * 5 s of a kill -9 of n2 (the production failure detector settings from reference.conf), and
 * n1's agent reports n2's instance pending as unreachable, at once. Before that, a frozen n2
 * (SIGSTOP, as a long GC pause would) is hidden and shown again when it resumes. One n2 for both
 * tests, in this order: a child JVM takes seconds to start.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnreachableNodeTest {
  static final String SERVICE = "billing:8080";
  static final Endpoint N1_ENDPOINT = new Endpoint("127.0.0.1:7001", "n1");
  static final Endpoint N2_ENDPOINT = new Endpoint("127.0.0.2:7001", "n2");

  @TempDir static Path dir;
  static GlowNode n1;
  static ActorRef<NodeAgent.Command> agent;
  static ActorTestKit testKit;
  static Process n2;
  static TestProbe<Endpoints> subscriber;
  static Upstream upstream;

  /**
   * n1 with the repo stack and an agent (its repo places instance x#2 on n2), a subscription and
   * an UpstreamPool on n1's registry, and n2 joined with its endpoint registered.
   */
  @BeforeAll
  static void start() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve("apps"));
    Files.createDirectories(repo.resolve("deployments"));
    Files.writeString(repo.resolve("apps/x.yaml"), "image: x\nversion: 1.0.0\nprovides: {http: 9400}\n");
    Files.writeString(repo.resolve("deployments/x-2.yaml"), "app: x\nnode: n2\ninstance: 2\n");
    NodeSettings settings = TestNodes.settings("n1", null, Map.of("repo", repo.toString(), "sync-interval", "1s",
        "data-dir", dir.resolve("data-n1").toString()));
    AtomicReference<Snapshot> current = new AtomicReference<>();
    AtomicReference<ActorRef<NodeAgent.Command>> spawned = new AtomicReference<>();
    n1 = GlowNode.start(settings, (ctx, n) -> {
      ActorRef<Topic.Command<RepoUpdate>> topic = ctx.spawn(Topic.create(RepoUpdate.class, RepoUpdate.TOPIC), "repo-updates");
      ActorRef<RepoSync.Command> sync = RepoSync.init(n.system(), RepoSources.of(repo.toString(), "main",
          settings.dataDir()), settings.syncInterval(), topic, n.registry(), current::get);
      InstanceSupervisors<InstanceSupervisor.Command> supervisors = Sharding.initInstanceSupervisors(n.system(),
          InstanceSupervisor.Command.class, ec -> RecordingSupervisor.create(ec.getEntityId(), r -> {}),
          new InstanceSupervisor.Stop());
      spawned.set(ctx.spawn(NodeAgent.create(new NodeAgent.Wiring("n1", current, supervisors, topic, sync, s -> {},
          n.placement(), settings.syncInterval(), Duration.ofSeconds(2))), "node-agent"));
    });
    agent = spawned.get();
    testKit = ActorTestKit.create(n1.system());
    n1.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
    n1.registry().tell(new ServiceRegistry.Register(SERVICE, N1_ENDPOINT.hostPort(), "n1"));
    subscriber = testKit.createTestProbe();
    n1.registry().tell(new ServiceRegistry.Subscribe(SERVICE, subscriber.ref()));
    upstream = new Upstream(SERVICE, UpstreamSettings.defaults());
    testKit.spawn(UpstreamPool.create(ServiceKey.parse(SERVICE), upstream, n1.registry()));
    startN2();
    awaitEndpoints(Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (n2 != null) {
      n2.destroyForcibly();
      // Down the dead n2 as the split brain resolver would 20 s later, and wait until it is removed:
      // n1 alone then leaves at once, while n1's singletons would wait (10 s) to hand over to a
      // downed n2 that is still a member.
      for (Member m : n1.cluster().state().getMembers()) {
        if (m.hasRole(NodeSettings.ROLE_PREFIX + "n2")) n1.cluster().manager().tell(new Down(m.address()));
      }
      testKit.createTestProbe().awaitAssert(Duration.ofSeconds(15), () -> {
        for (Member m : n1.cluster().state().getMembers()) {
          assertTrue(!m.hasRole(NodeSettings.ROLE_PREFIX + "n2"), "n2 removed: " + m);
        }
        return null;
      });
    }
    testKit.shutdownTestKit();
  }

  @Test
  @Order(2)
  void endpointsOfAKilledNodeLeaveTheRegistryAndTheProxyWithinFiveSeconds() throws Exception {
    AtomicLong unreachableAt = new AtomicLong();
    recordUnreachable(unreachableAt);
    awaitInProxy(upstream, Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(5));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals("running", instances().get("x#2").state(), "asked from n1, answered by the entity on n2");
      return null;
    });
    steadyState();

    Instant killedAt = Instant.now();
    long killed = System.nanoTime();
    n2.destroyForcibly(); // SIGKILL: nothing of n2 says goodbye
    awaitEndpoints(Set.of(N1_ENDPOINT), Duration.ofSeconds(10));
    long hidden = System.nanoTime();
    awaitInProxy(upstream, Set.of(N1_ENDPOINT), Duration.ofSeconds(10));
    long outOfProxy = System.nanoTime();
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(unreachableAt.get() > killed, "n1's UnreachableMember event reached the recorder");
      return null;
    });
    System.out.println(String.format("kill -9 of n2: unreachable on n1 after %d ms, hidden from n1's subscribers after %d ms, "
        + "out of n1's proxy pool after %d ms", millis(killed, unreachableAt.get()), millis(killed, hidden),
        millis(killed, outOfProxy)));
    assertTrue(millis(killed, outOfProxy) < 5000, "out of the proxy " + millis(killed, outOfProxy) + " ms after the kill");
    // Placement follows the same event in its own actor: a few ms apart from the registry
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(n1.placement().absence("n2").orElse("").matches("node n2 unreachable since \\d\\d:\\d\\d:\\d\\d UTC "
          + "\\(downed by the split brain resolver after 20 s of stable membership unless it comes back\\)"),
          n1.placement().absence("n2").toString());
      return null;
    });
    assertEquals(Set.of(N1_ENDPOINT), all().get(SERVICE), "GetAll hides it too");

    long asking = System.nanoTime();
    InstanceStatus x2 = instances().get("x#2");
    // asking n2's supervisor would take the 2 s ask timeout; 1.5 s leaves room for a loaded machine
    assertTrue(millis(asking, System.nanoTime()) < 1500, "answered without asking n2's supervisor (2 s timeout)");
    assertEquals("pending", x2.state());
    assertEquals(n1.placement().absence("n2").orElseThrow(), x2.detail());
    assertTrue(x2.since().isAfter(killedAt) && x2.since().isBefore(Instant.now()),
        "pending since n1 heard n2 is unreachable: " + x2.since() + ", killed at " + killedAt);
  }

  @Test
  @Order(1)
  void aFrozenNodeIsHiddenWhileUnreachableAndShownAgainWhenItResumes() throws Exception {
    steadyState();

    long frozen = System.nanoTime();
    signal("STOP"); // stalls n2 like a long GC pause; its sockets stay open
    try {
      awaitEndpoints(Set.of(N1_ENDPOINT), Duration.ofSeconds(10));
      System.out.println(String.format("SIGSTOP of n2: hidden from n1's subscribers after %d ms", millis(frozen, System.nanoTime())));
      assertEquals(Set.of(N1_ENDPOINT), all().get(SERVICE));
    } finally {
      signal("CONT"); // well before the split brain resolver's 20 s: n2 stays a member
    }
    long resumed = System.nanoTime();
    awaitEndpoints(Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(10));
    System.out.println(String.format("SIGCONT of n2: shown again after %d ms", millis(resumed, System.nanoTime())));
    assertEquals(Set.of(N1_ENDPOINT, N2_ENDPOINT), all().get(SERVICE));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(n1.placement().absence("n2").isEmpty(), "n2 is Up and reachable again");
      return null;
    });
  }

  private static void startN2() throws Exception {
    String cp = System.getProperty("java.class.path");
    assertTrue(cp.contains("akka-cluster"), "the test class path reaches the child: " + cp);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    var seed = TestNodes.address(n1);
    n2 = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
        ChildNodeMain.class.getName(), "n2", seed.host().get() + ":" + seed.port().get(), SERVICE,
        N2_ENDPOINT.hostPort())
        .redirectErrorStream(true).redirectOutput(dir.resolve("n2.log").toFile()).start();
  }

  /**
   * Lets n2 run 2 s (4 heartbeat rounds) and checks that nothing changes meanwhile (no false
   * alarm). The 5 s claim is about a node that was running: one killed before its first heartbeat
   * answer (well within its first second of Up) is flagged up to expected-response-after (1 s) later.
   */
  private static void steadyState() {
    subscriber.expectNoMessage(Duration.ofSeconds(2));
  }

  /** Sends a signal to n2's JVM, started by this test, by its pid. */
  private static void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(n2.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + name + " " + n2.pid());
  }

  private static void awaitEndpoints(Set<Endpoint> expected, Duration within) throws Exception {
    try {
      subscriber.fishForMessage(within, e -> e.endpoints().equals(expected)
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    } catch (AssertionError e) {
      throw new AssertionError("n1's subscription never showed " + expected + "; n2's log:\n"
          + Files.readString(dir.resolve("n2.log")), e);
    }
  }

  /** Polls the proxy's pool snapshot (the proxy's hot path reads it the same way). */
  private static void awaitInProxy(Upstream upstream, Set<Endpoint> expected, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Set<Endpoint> seen = Set.of();
    while (System.nanoTime() < deadline) {
      seen = Set.copyOf(upstream.pool().available().stream()
          .map(s -> new Endpoint(s.endpoint().host() + ":" + s.endpoint().port(), s.endpoint().node())).toList());
      if (seen.equals(expected)) return;
      try {
        TimeUnit.MILLISECONDS.sleep(10); // one poll period
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the proxy's pool shows " + seen + ", not " + expected);
  }

  private static Map<String, InstanceStatus> instances() {
    TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
    agent.tell(new NodeAgent.GetInstances(probe.ref()));
    Map<String, InstanceStatus> byKey = new HashMap<>();
    probe.receiveMessage(Duration.ofSeconds(10)).instances().forEach(s -> byKey.put(s.key(), s));
    return byKey;
  }

  private static Map<String, Set<Endpoint>> all() {
    TestProbe<ServiceRegistry.All> probe = testKit.createTestProbe();
    n1.registry().tell(new ServiceRegistry.GetAll(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5)).services();
  }

  /** Records when n1 last heard that a member is unreachable (its own failure detector or gossip). */
  private static void recordUnreachable(AtomicLong at) {
    ActorRef<ClusterEvent.UnreachableMember> recorder = testKit.spawn(Behaviors.receiveMessage(u -> {
      at.set(System.nanoTime()); // the last one: the test reads it after the kill
      return Behaviors.same();
    }));
    n1.cluster().subscriptions().tell(akka.cluster.typed.Subscribe.create(recorder, ClusterEvent.UnreachableMember.class));
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }
}
