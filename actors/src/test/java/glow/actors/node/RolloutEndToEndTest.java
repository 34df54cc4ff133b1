package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.SupervisorTiming;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.process.InMemoryProcessDriver.InMemoryProcess;
import glow.actors.repo.RepoSync;
import glow.actors.rollout.Rollouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rollouts on a whole one-node cluster: the coordinator singleton, sharded supervisors and the
 * registry confirming writes, with in-memory processes that really listen on their port while they
 * run (so the TCP health checks are real) unless their image:version is marked deaf, or exit at
 * once when their image:version#instance is marked crashing. Every
 * instance status published on the node's event stream is recorded, and the number of an app's
 * instances not running at once is computed from that record. Each test has its own app.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RolloutEndToEndTest {
  static Path repo;
  static Path artifacts;
  static InMemoryProcessDriver driver;
  static NodeLogHub logs;
  static NodeServices services;
  static GlowNode node;
  static ActorTestKit testKit;
  /** image:version whose processes never listen (fail their health check). */
  static final Set<String> deaf = ConcurrentHashMap.newKeySet();
  /** image:version#instance whose processes exit with code 1 right after their start (a crash loop). */
  static final Set<String> crashing = ConcurrentHashMap.newKeySet();
  static final List<InstanceStatus> events = new CopyOnWriteArrayList<>();
  // a lease of 2 s (renewed every 100 ms): a loaded machine must not expire a down report or a permit
  static final SupervisorTiming TIMING = SupervisorTiming.fast().withStartTimeout(Duration.ofMillis(700))
      .withRolloutLease(Duration.ofSeconds(2));

  @BeforeAll
  static void start() throws Exception {
    Path tmp = Files.createTempDirectory("glow-rollout");
    repo = Files.createDirectories(tmp.resolve("repo"));
    artifacts = tmp.resolve("artifacts");
    Path data = tmp.resolve("data");
    driver = new InMemoryProcessDriver();
    driver.onStart(RolloutEndToEndTest::listenWhileRunning);
    logs = new NodeLogHub(1000, 1000);
    services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(artifacts.toString(),
        data.resolve("artifact-cache")), logs, TIMING, ListenersSettings.defaults(), Map.of("PATH", "/usr/bin:/bin")));
    node = GlowNode.start(TestNodes.settings("dev", null, Map.of("repo", repo.toString(), "data-dir", data.toString(),
        "artifacts", artifacts.toString(), "sync-interval", "1h")), services);
    testKit = ActorTestKit.create(node.system());
    ActorRef<InstanceStatus> recorder = testKit.spawn(Behaviors.receive(InstanceStatus.class)
        .onAnyMessage(s -> {
          events.add(s);
          return Behaviors.same();
        }).build());
    node.system().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class, recorder));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    driver.close();
    logs.close();
  }

  /** The in-memory "app": binds its PORT_HTTP on 127.0.0.1 while it runs, unless deaf. */
  static void listenWhileRunning(InMemoryProcess p) {
    Map<String, String> env = p.spec().environment();
    if (crashing.contains(env.get("GLOW_IMAGE") + ":" + env.get("GLOW_VERSION") + "#" + env.get("GLOW_INSTANCE"))) {
      p.exit(1);
      return;
    }
    if (deaf.contains(env.get("GLOW_IMAGE") + ":" + env.get("GLOW_VERSION"))) return;
    try {
      ServerSocket s = new ServerSocket(Integer.parseInt(env.get("PORT_HTTP")), 50, InetAddress.getLoopbackAddress());
      p.onExit().whenComplete((status, t) -> {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listener of a test process; nothing to do
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("test app cannot listen on " + env.get("PORT_HTTP"), e);
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  void threeInstancesRollOneAtATimeAndAllEndOnTheNewVersion() throws Exception {
    deployThree("one", "1.0.0", null);
    int mark = events.size();
    Map<String, InstanceStatus> before = statuses("one");

    commit("one", "1.1.0", null);

    awaitAll("one", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "all on 1.1.0");
    assertEquals(1, maxNotRunning("one", mark, before), "instances of one not running at once");
    assertEquals(3, starts("one", "1.1.0"), "each instance replaced exactly once");
    assertTrue(events.subList(mark, events.size()).stream().anyMatch(s -> s.app().equals("one")
        && s.state().equals("running") && s.detail().matches("waiting to roll to 1\\.1\\.0: one#[123] on dev is being"
        + " replaced")), "a waiting instance said what it waits for");
    assertNoPermitOut("one");
  }

  @Test
  void maxUnavailableTwoLetsTwoGoAtOnce() throws Exception {
    deployThree("two", "1.0.0", 2);
    int mark = events.size();
    Map<String, InstanceStatus> before = statuses("two");

    commit("two", "1.1.0", 2);

    awaitAll("two", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "all on 1.1.0");
    assertEquals(2, maxNotRunning("two", mark, before), "instances of two not running at once");
    assertEquals(3, starts("two", "1.1.0"));
  }

  @Test
  void aConfigChangeWithOnChangeRestartRestartsOneAtATime() throws Exception {
    String config = "config: {path: app.conf, source: configs/conf.conf, on-change: restart}\n";
    Files.createDirectories(repo.resolve("configs"));
    Files.writeString(repo.resolve("configs/conf.conf"), "greeting=hello\n");
    deployThree("conf", "1.0.0", null, config);
    int mark = events.size();
    Map<String, InstanceStatus> before = statuses("conf");
    String oldConfig = before.get("conf#1").configVersion();

    Files.writeString(repo.resolve("configs/conf.conf"), "greeting=howdy\n");
    services.sync().tell(new RepoSync.SyncNow());

    awaitAll("conf", s -> s.state().equals("running") && s.configVersion() != null
        && !s.configVersion().equals(oldConfig) && s.restarts() == 1, "all restarted once for the new config");
    assertEquals(1, maxNotRunning("conf", mark, before), "instances of conf not running at once");
    assertEquals(6, starts("conf", "1.0.0"));
  }

  @Test
  void aVersionFailingHealthStopsTheRolloutAfterOneInstanceAndAFixingCommitRollsThemAll() throws Exception {
    deployThree("bad", "1.0.0", null);
    Map<String, InstanceStatus> before = statuses("bad");
    int mark = events.size();
    deaf.add("bad:1.1.0");

    commit("bad", "1.1.0", null);

    String stopped = "rollout of bad to 1.1.0 stopped: bad#";
    Map<String, InstanceStatus> halted = awaitAll("bad", s -> s.version().equals("1.1.0")
        || s.detail().startsWith(stopped), "two instances told the rollout stopped");
    List<InstanceStatus> kept = halted.values().stream().filter(s -> s.detail().startsWith(stopped)).toList();
    assertEquals(2, kept.size(), halted.toString());
    for (InstanceStatus s : kept) {
      assertEquals("running", s.state());
      assertEquals("1.0.0", s.version());
      assertEquals(before.get(s.key()).pid(), s.pid(), "the old process still serves");
      assertTrue(s.detail().matches("rollout of bad to 1\\.1\\.0 stopped: bad#[123] on dev: not healthy within 700 ms"
          + " of its start \\(last check: .*\\) \\(fix the app and commit\\)"), s.detail());
    }
    String failedKey = halted.values().stream().filter(s -> s.version().equals("1.1.0")).findFirst().orElseThrow().key();
    // the failed one retries its new version with back-off; meanwhile the other two stay as they are
    Await.until(() -> startsOf(failedKey, "1.1.0") >= 3, failedKey + " retried 1.1.0 twice");
    assertEquals(3, starts("bad", "1.1.0"), "only " + failedKey + " ever started 1.1.0");
    Map<String, InstanceStatus> still = statuses("bad");
    for (InstanceStatus s : kept) assertEquals(before.get(s.key()).pid(), still.get(s.key()).pid());
    assertEquals(1, maxNotRunning("bad", mark, before));
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    services.rollouts().tell(new Rollouts.GetState(state.ref()));
    Rollouts.AppRollout app = state.receiveMessage(Duration.ofSeconds(5)).apps().stream()
        .filter(a -> a.app().equals("bad")).findFirst().orElseThrow();
    assertEquals(List.of(failedKey + " on dev (to 1.1.0)"), app.replacing());
    assertEquals(1, app.stopped().size());

    int fixMark = events.size();
    Map<String, InstanceStatus> atFix = statuses("bad");
    commit("bad", "1.2.0", null);

    awaitAll("bad", s -> s.state().equals("running") && "1.2.0".equals(s.version()), "all on 1.2.0");
    assertEquals(1, maxNotRunning("bad", fixMark, atFix), "the failed one counted until it was healthy");
    assertEquals(3, starts("bad", "1.2.0"));
    assertNoPermitOut("bad");
  }

  @Test
  void anInstanceCrashLoopingOnTheOldVersionRollsFirstWithoutAPermitAndNoServingOneGoesDownMeanwhile()
      throws Exception {
    deployThree("loop", "1.0.0", null);
    crashing.add("loop:1.0.0#3");
    crash("loop#3");
    Await.until(() -> statuses("loop").get("loop#3").restarts() >= 2
        && !statuses("loop").get("loop#3").state().equals("running"), "loop#3 crash-looping on 1.0.0");
    Map<String, InstanceStatus> before = statuses("loop");
    int mark = events.size();
    deaf.add("loop:1.1.0"); // 1.1.0 is not healthy at first: loop#3 stays down on it while the others wait

    commit("loop", "1.1.0", null);

    Await.until(() -> startsOf("loop#3", "1.1.0") >= 1, "loop#3 started 1.1.0 without waiting for a permit");
    String waiting = "waiting to roll to 1\\.1\\.0: loop#3 on dev \\((fetching|starting|stopping|backoff)\\) is not"
        + " serving";
    Map<String, InstanceStatus> held = awaitAll("loop", s -> s.key().equals("loop#3") || s.detail().matches(waiting),
        "loop#1 and loop#2 wait for loop#3");
    for (String k : List.of("loop#1", "loop#2")) {
      assertEquals("running", held.get(k).state());
      assertEquals("1.0.0", held.get(k).version());
      assertEquals(before.get(k).pid(), held.get(k).pid(), k + " was not taken down");
    }
    // loop#3 fails 1.1.0 (not healthy in time) and retries: it was down anyway, so the rollout does not stop
    Await.until(() -> startsOf("loop#3", "1.1.0") >= 2, "loop#3 retried 1.1.0");
    assertEquals(0, starts("loop", "1.1.0") - startsOf("loop#3", "1.1.0"), "only loop#3 ever started 1.1.0");
    assertTrue(statuses("loop").values().stream().noneMatch(s -> s.detail().contains("stopped")),
        statuses("loop").toString());

    deaf.remove("loop:1.1.0"); // 1.1.0 becomes healthy: the rollout goes on, one at a time
    awaitAll("loop", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "all on 1.1.0");
    assertEquals(1, maxNotRunning("loop", mark, before), "never a serving one down while loop#3 was down");
    List<InstanceStatus> after = events.subList(mark, events.size());
    int threeServes = indexOf(after, s -> s.key().equals("loop#3") && s.state().equals("running")
        && "1.1.0".equals(s.version()));
    int otherDown = indexOf(after, s -> !s.key().equals("loop#3") && s.app().equals("loop")
        && !s.state().equals("running"));
    assertTrue(threeServes < Integer.MAX_VALUE && threeServes < otherDown, "loop#3 served 1.1.0 before another"
        + " went down");
    assertEquals(2, starts("loop", "1.1.0") - startsOf("loop#3", "1.1.0"), "loop#1 and loop#2 once each");
    assertNoPermitOut("loop");
  }

  @Test
  void aFixForAnAppCrashLoopingEverywhereRollsToAllInstancesAtOnce() throws Exception {
    deployThree("fix", "1.0.0", null);
    for (int i = 1; i <= 3; i++) {
      crashing.add("fix:1.0.0#" + i);
      crash("fix#" + i);
    }
    awaitAll("fix", s -> !s.state().equals("running") && s.restarts() >= 2, "all crash-looping on 1.0.0");

    commit("fix", "1.1.0", null);

    awaitAll("fix", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "all on 1.1.0");
    assertEquals(3, starts("fix", "1.1.0"), "each started 1.1.0 once: none waited, none failed");
    assertNoPermitOut("fix");
    awaitNoneDown("fix");
  }

  @Test
  void aHaltedRolloutBringsAKilledOldInstanceBackOnTheVersionItRan() throws Exception {
    deployThree("keep", "1.0.0", null);
    deaf.add("keep:1.1.0");
    commit("keep", "1.1.0", null);
    String stopped = "rollout of keep to 1.1.0 stopped: keep#";
    Map<String, InstanceStatus> halted = awaitAll("keep", s -> s.version().equals("1.1.0")
        || s.detail().startsWith(stopped), "two instances told the rollout stopped");
    InstanceStatus victim = halted.values().stream().filter(s -> s.detail().startsWith(stopped))
        .min(java.util.Comparator.comparing(InstanceStatus::key)).orElseThrow();
    String key = victim.key();
    int mark = events.size();

    driver.running().stream().filter(p -> p.pid() == victim.pid()).findFirst().orElseThrow()
        .signal(glow.actors.process.Signal.KILL); // kill -9 of its 1.0.0 process

    Await.until(() -> {
      InstanceStatus s = statuses("keep").get(key);
      return s.state().equals("running") && !victim.pid().equals(s.pid()) && s.detail().startsWith(stopped);
    }, key + " running again and told the rollout is still stopped");
    InstanceStatus back = statuses("keep").get(key);
    assertEquals("1.0.0", back.version(), "back on the version it ran: " + back);
    assertEquals(victim.detail(), back.detail());
    assertEquals(1, back.restarts());
    assertEquals(0, startsOf(key, "1.1.0"), key + " never started the halted version");
    assertTrue(events.subList(mark, events.size()).stream().anyMatch(s -> s.key().equals(key)
        && s.detail().endsWith("; kept on 1.0.0: " + victim.detail())), "while restarting it said why it kept 1.0.0");

    TestProbe<akka.pattern.StatusReply<akka.Done>> restarted = testKit.createTestProbe();
    akka.cluster.sharding.typed.javadsl.ClusterSharding.get(node.system()).entityRefFor(
        akka.cluster.sharding.typed.javadsl.EntityTypeKey.create(glow.actors.instance.InstanceSupervisor.Command.class,
            glow.actors.cluster.Sharding.INSTANCE_SUPERVISOR), glow.actors.cluster.PinnedEntityIds.entityId("dev", key))
        .tell(new glow.actors.instance.InstanceSupervisor.Restart(restarted.ref())); // POST /api/instances/ID/restart
    assertTrue(restarted.receiveMessage(Duration.ofSeconds(10)).isSuccess());
    Await.until(() -> {
      InstanceStatus s = statuses("keep").get(key);
      return s.state().equals("running") && s.restarts() == 2 && s.detail().startsWith(stopped);
    }, key + " restarted by hand, running again");
    assertEquals("1.0.0", statuses("keep").get(key).version());
    assertEquals(0, startsOf(key, "1.1.0"));

    commit("keep", "1.2.0", null); // the fix lifts the halt
    awaitAll("keep", s -> s.state().equals("running") && "1.2.0".equals(s.version()), "all on 1.2.0");
    assertNoPermitOut("keep");
  }

  // ---------------------------------------------------------------- helpers

  /** The running process of instance key exits with code 1. */
  static void crash(String key) {
    String app = key.substring(0, key.indexOf('#'));
    String n = key.substring(key.indexOf('#') + 1);
    driver.running().stream().filter(p -> app.equals(p.spec().environment().get("GLOW_IMAGE"))
        && n.equals(p.spec().environment().get("GLOW_INSTANCE"))).forEach(p -> p.exit(1));
  }

  static int indexOf(List<InstanceStatus> list, Predicate<InstanceStatus> what) {
    for (int i = 0; i < list.size(); i++) {
      if (what.test(list.get(i))) return i;
    }
    return Integer.MAX_VALUE;
  }

  /** Deploys app at version on three instances (port offsets 0, 1, 2) and waits until all run it. */
  static void deployThree(String app, String version, Integer maxUnavailable) throws IOException {
    deployThree(app, version, maxUnavailable, "");
  }

  static void deployThree(String app, String version, Integer maxUnavailable, String extra) throws IOException {
    int base = freePorts(3);
    Files.createDirectories(repo.resolve("deployments"));
    for (int i = 1; i <= 3; i++) {
      Files.writeString(repo.resolve("deployments/" + app + "-" + i + ".yaml"),
          "app: " + app + "\nnode: dev\ninstance: " + i + "\nport-offset: " + (i - 1) + "\n");
    }
    ports.put(app, base);
    commit(app, version, maxUnavailable, extra);
    awaitAll(app, s -> s.state().equals("running") && version.equals(s.version()), "all on " + version);
    awaitNoneDown(app); // first starts count as down until registered and settled: a rollout starts from a settled app
  }

  /** The coordinator counts no instance of app as down (each served, settled and released its down report). */
  static void awaitNoneDown(String app) {
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    state.awaitAssert(Duration.ofSeconds(10), () -> {
      services.rollouts().tell(new Rollouts.GetState(state.ref()));
      Rollouts.State s = state.receiveMessage(Duration.ofSeconds(5));
      assertTrue(!s.down().containsKey(app), s.toString());
      return null;
    });
  }

  static final Map<String, Integer> ports = new ConcurrentHashMap<>();

  /** Publishes the artifact, writes apps/app.yaml at version, syncs and waits until the node has it. */
  static void commit(String app, String version, Integer maxUnavailable) throws IOException {
    commit(app, version, maxUnavailable, "");
  }

  /** As {@link #commit(String, String, Integer)}, with extra lines of app YAML. */
  static void commit(String app, String version, Integer maxUnavailable, String extra) throws IOException {
    TestArtifacts.tarGz(artifacts, app, version, Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"), true, null);
    Files.createDirectories(repo.resolve("apps"));
    Files.writeString(repo.resolve("apps/" + app + ".yaml"), "image: " + app + "\nversion: " + version + "\n"
        + "provides: {http: " + ports.get(app) + "}\n"
        + "health: {port: http, interval: 100ms, timeout: 500ms}\n"
        + (maxUnavailable == null ? "" : "rollout: {max-unavailable: " + maxUnavailable + "}\n") + extra);
    services.sync().tell(new RepoSync.SyncNow());
    Await.until(() -> services.current() != null && services.current().problems().isEmpty()
        && services.current().instance(app + "#1").map(i -> i.spec().version().equals(version)).orElse(false),
        app + " " + version + " in force");
  }

  static Map<String, InstanceStatus> statuses(String app) {
    TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
    services.agent().tell(new NodeAgent.GetInstances(probe.ref()));
    Map<String, InstanceStatus> byKey = new HashMap<>();
    probe.receiveMessage(Duration.ofSeconds(10)).instances().stream().filter(s -> s.app().equals(app))
        .forEach(s -> byKey.put(s.key(), s));
    return byKey;
  }

  /** Waits until all three instances of app satisfy ok; returns their statuses. */
  static Map<String, InstanceStatus> awaitAll(String app, Predicate<InstanceStatus> ok, String what) {
    List<Map<String, InstanceStatus>> last = new ArrayList<>(List.of(Map.of()));
    Await.until(() -> {
      Map<String, InstanceStatus> all = statuses(app);
      last.set(0, all);
      return all.size() == 3 && all.values().stream().allMatch(ok);
    }, app + ": " + what + " (last: " + last + ")");
    return last.get(0);
  }

  /** The most instances of app not "running" at once, replaying the events from mark on top of start. */
  static int maxNotRunning(String app, int mark, Map<String, InstanceStatus> start) {
    Map<String, String> state = new HashMap<>();
    start.forEach((k, s) -> state.put(k, s.state()));
    int max = (int) state.values().stream().filter(s -> !s.equals("running")).count();
    for (InstanceStatus s : events.subList(mark, events.size())) {
      if (!s.app().equals(app)) continue;
      state.put(s.key(), s.state());
      max = Math.max(max, (int) state.values().stream().filter(x -> !x.equals("running")).count());
    }
    return max;
  }

  static long starts(String app, String version) {
    return driver.started().stream().filter(p -> app.equals(p.spec().environment().get("GLOW_IMAGE"))
        && version.equals(p.spec().environment().get("GLOW_VERSION"))).count();
  }

  static long startsOf(String key, String version) {
    String app = key.substring(0, key.indexOf('#'));
    String instance = key.substring(key.indexOf('#') + 1);
    return driver.started().stream().filter(p -> app.equals(p.spec().environment().get("GLOW_IMAGE"))
        && instance.equals(p.spec().environment().get("GLOW_INSTANCE"))
        && version.equals(p.spec().environment().get("GLOW_VERSION"))).count();
  }

  /** The coordinator has no permit of app out (every holder released after its replacement settled). */
  static void assertNoPermitOut(String app) {
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    state.awaitAssert(Duration.ofSeconds(5), () -> {
      services.rollouts().tell(new Rollouts.GetState(state.ref()));
      assertTrue(state.receiveMessage(Duration.ofSeconds(5)).apps().stream()
          .noneMatch(a -> a.app().equals(app) && !a.replacing().isEmpty()));
      return null;
    });
  }

  /** A base port with n free consecutive ports on 127.0.0.1 (checked by binding them). */
  static int freePorts(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        base = s.getLocalPort();
      }
      if (base + n > 65535) continue;
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) held.add(new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress()));
        return base;
      } catch (IOException taken) {
        // try another base
      } finally {
        for (ServerSocket s : held) s.close();
      }
    }
    throw new IOException("no " + n + " consecutive free ports on 127.0.0.1");
  }
}
