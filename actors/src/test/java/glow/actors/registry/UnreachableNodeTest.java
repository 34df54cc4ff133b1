package glow.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.typed.Down;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeSettings;
import glow.actors.node.TestNodes;
import glow.actors.registry.ServiceRegistry.Endpoints;
import glow.actors.upstream.UpstreamPool;
import glow.conf.snapshot.ServiceKey;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in a second JVM (n2, {@link RegistryNodeMain}) joins a node in the test JVM (n1) and
 * registers an endpoint; n1's registry and an UpstreamPool fed by it drop that endpoint within
 * 5 s of a kill -9 of n2 (the production failure detector settings from reference.conf), and a
 * frozen n2 (SIGSTOP, as a long GC pause would) is hidden and shown again when it resumes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnreachableNodeTest {
  static final String SERVICE = "billing:8080";
  static final Endpoint N1_ENDPOINT = new Endpoint("127.0.0.1:7001", "n1");
  static final Endpoint N2_ENDPOINT = new Endpoint("127.0.0.2:7001", "n2");

  @TempDir Path dir;
  GlowNode n1;
  ActorTestKit testKit;
  Process n2;

  @BeforeEach
  void start() throws Exception {
    n1 = GlowNode.start(TestNodes.settings("n1", null));
    testKit = ActorTestKit.create(n1.system());
    n1.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    n1.registry().tell(new ServiceRegistry.Register(SERVICE, N1_ENDPOINT.hostPort(), "n1"));
  }

  @AfterEach
  void stop() {
    if (n2 != null) {
      n2.destroyForcibly();
      // Down the dead n2 as the split brain resolver would 20 s later: n1 alone leaves at once, while
      // a leave with an unreachable member waits for the shutdown phase to time out.
      for (Member m : n1.cluster().state().getMembers()) {
        if (m.hasRole(NodeSettings.ROLE_PREFIX + "n2")) n1.cluster().manager().tell(new Down(m.address()));
      }
      testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(n1.placement().absence("n2").orElse("").endsWith("not in cluster"));
        return null;
      });
    }
    testKit.shutdownTestKit();
  }

  @Test
  void endpointsOfAKilledNodeLeaveTheRegistryAndTheProxyWithinFiveSeconds() throws Exception {
    TestProbe<Endpoints> subscriber = testKit.createTestProbe();
    n1.registry().tell(new ServiceRegistry.Subscribe(SERVICE, subscriber.ref()));
    Upstream upstream = new Upstream(SERVICE, UpstreamSettings.defaults());
    testKit.spawn(UpstreamPool.create(ServiceKey.parse(SERVICE), upstream, n1.registry()));
    AtomicLong unreachableAt = new AtomicLong();
    recordUnreachable(unreachableAt);
    startN2();
    awaitEndpoints(subscriber, Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(30));
    awaitInProxy(upstream, Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(5));
    steadyState(subscriber);

    long killed = System.nanoTime();
    n2.destroyForcibly(); // SIGKILL: nothing of n2 says goodbye
    awaitEndpoints(subscriber, Set.of(N1_ENDPOINT), Duration.ofSeconds(10));
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
    assertTrue(n1.placement().absence("n2").orElseThrow().matches("node n2 unreachable since \\d\\d:\\d\\d:\\d\\d UTC "
        + "\\(downed by the split brain resolver after 20 s of stable membership unless it comes back\\)"),
        n1.placement().absence("n2").toString());
    assertEquals(Set.of(N1_ENDPOINT), all().get(SERVICE), "GetAll hides it too");
  }

  @Test
  void aFrozenNodeIsHiddenWhileUnreachableAndShownAgainWhenItResumes() throws Exception {
    TestProbe<Endpoints> subscriber = testKit.createTestProbe();
    n1.registry().tell(new ServiceRegistry.Subscribe(SERVICE, subscriber.ref()));
    startN2();
    awaitEndpoints(subscriber, Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(30));
    steadyState(subscriber);

    long frozen = System.nanoTime();
    signal("STOP"); // stalls n2 like a long GC pause; its sockets stay open
    try {
      awaitEndpoints(subscriber, Set.of(N1_ENDPOINT), Duration.ofSeconds(10));
      System.out.println(String.format("SIGSTOP of n2: hidden from n1's subscribers after %d ms", millis(frozen, System.nanoTime())));
      assertEquals(Set.of(N1_ENDPOINT), all().get(SERVICE));
    } finally {
      signal("CONT"); // well before the split brain resolver's 20 s: n2 stays a member
    }
    long resumed = System.nanoTime();
    awaitEndpoints(subscriber, Set.of(N1_ENDPOINT, N2_ENDPOINT), Duration.ofSeconds(10));
    System.out.println(String.format("SIGCONT of n2: shown again after %d ms", millis(resumed, System.nanoTime())));
    assertEquals(Set.of(N1_ENDPOINT, N2_ENDPOINT), all().get(SERVICE));
    assertTrue(n1.placement().absence("n2").isEmpty(), "n2 is Up and reachable again");
  }

  private void startN2() throws Exception {
    String cp = System.getProperty("java.class.path");
    assertTrue(cp.contains("akka-cluster"), "the test class path reaches the child: " + cp);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    var seed = TestNodes.address(n1);
    n2 = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
        RegistryNodeMain.class.getName(), "n2", seed.host().get() + ":" + seed.port().get(), SERVICE,
        N2_ENDPOINT.hostPort())
        .redirectErrorStream(true).redirectOutput(dir.resolve("n2.log").toFile()).start();
  }

  /**
   * Lets n2 run 2 s (4 heartbeat rounds) and checks that nothing changes meanwhile (no false
   * alarm). The 5 s claim is about a node that was running: one killed before its first heartbeat
   * answer (well within its first second of Up) is flagged up to expected-response-after (1 s) later.
   */
  private static void steadyState(TestProbe<Endpoints> subscriber) {
    subscriber.expectNoMessage(Duration.ofSeconds(2));
  }

  /** Sends a signal to n2's JVM, started by this test, by its pid. */
  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(n2.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + name + " " + n2.pid());
  }

  private void awaitEndpoints(TestProbe<Endpoints> subscriber, Set<Endpoint> expected, Duration within) throws Exception {
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

  private java.util.Map<String, Set<Endpoint>> all() {
    TestProbe<ServiceRegistry.All> probe = testKit.createTestProbe();
    n1.registry().tell(new ServiceRegistry.GetAll(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5)).services();
  }

  /** Records when n1 last heard that a member is unreachable (its own failure detector or gossip). */
  private void recordUnreachable(AtomicLong at) {
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
