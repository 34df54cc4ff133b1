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
 * run (so the TCP health checks are real) unless their image:version is marked deaf. Every
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
  static final List<InstanceStatus> events = new CopyOnWriteArrayList<>();
  static final SupervisorTiming TIMING = SupervisorTiming.fast().withStartTimeout(Duration.ofMillis(700));

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

  // ---------------------------------------------------------------- helpers

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
