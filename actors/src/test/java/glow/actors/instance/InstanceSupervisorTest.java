package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Ensure;
import glow.actors.instance.InstanceSupervisor.GetStatus;
import glow.actors.instance.InstanceSupervisor.Restart;
import glow.actors.instance.InstanceSupervisor.Stop;
import glow.actors.logs.LogLine;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.process.InMemoryProcessDriver.InMemoryProcess;
import glow.actors.process.Signal;
import glow.actors.process.StdStream;
import glow.actors.registry.ServiceRegistry;
import java.io.IOException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against the in-memory process driver, real artifacts, real files and a real repo loader. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InstanceSupervisorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Map<String, String> NODE_ENV = Map.of("PATH", "/usr/bin:/bin");

  @TempDir Path root;
  final List<ServerSocket> servers = new ArrayList<>();
  Supervised h;

  @BeforeEach
  void setUp() throws IOException {
    h = new Supervised(testKit, root);
  }

  @AfterEach
  void tearDown() throws IOException {
    h.close(); // no supervisor outlives its test: the next test's files are elsewhere
    for (ServerSocket s : servers) s.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  ActorRef<Command> supervise(String key) {
    return supervise(key, SupervisorTiming.fast());
  }

  ActorRef<Command> supervise(String key, SupervisorTiming timing) {
    ActorRef<Command> ref = testKit.spawn(InstanceSupervisor.create("n1/" + key,
        h.fx.runtime(h.driver, h.registry.ref(), timing, NODE_ENV)));
    h.supervisors.add(ref);
    ref.tell(new Ensure());
    return ref;
  }

  /** A real listener on 127.0.0.1 for TCP health checks (the kernel accepts into the backlog). */
  int listener() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(s);
    return s.getLocalPort();
  }

  /** The states key goes through until it reaches state (inclusive), from the event stream. */
  List<String> statesUntil(String key, String state) {
    List<String> seen = new ArrayList<>();
    h.events.fishForMessage(WAIT, s -> {
      if (!s.key().equals(key)) return FishingOutcomes.continueAndIgnore();
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s.state())) seen.add(s.state());
      return s.state().equals(state) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    return seen;
  }

  /** The next published status of key in state. */
  InstanceStatus awaitState(String key, String state) {
    List<InstanceStatus> got = h.events.fishForMessage(WAIT, s -> s.key().equals(key) && s.state().equals(state)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return got.get(got.size() - 1);
  }

  InstanceStatus status(ActorRef<Command> sup) {
    TestProbe<InstanceStatus> p = testKit.createTestProbe();
    sup.tell(new GetStatus(p.ref()));
    return p.receiveMessage(WAIT);
  }

  void worker(String app, String version) throws IOException {
    h.fx.artifact(app, version, true, true);
    h.fx.file("apps/" + app + ".yaml", "image: " + app + "\nversion: " + version + "\n").deploy(app, 1);
  }

  @Test
  void publicMessagesAndTheStatusSurviveTheCborSerializer() {
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    TestProbe<StatusReply<Done>> restartReply = testKit.createTestProbe();
    TestProbe<InstanceStatus> statusReply = testKit.createTestProbe();
    ser.verifySerialization(new Ensure(), true);
    ser.verifySerialization(new Stop(), true);
    ser.verifySerialization(new Restart(restartReply.ref()), true);
    ser.verifySerialization(new GetStatus(statusReply.ref()), true);
    ser.verifySerialization(new InstanceStatus("web#1", "web:1.4.2#1", "web", "web", "1.4.2", "n1", "running",
        "healthy, pid 42", 42L, Map.of("http", 8080), true, 2, Instant.parse("2026-11-22T01:02:03.456Z"), 137,
        "killed by signal 9", "0123456789ab", Instant.parse("2026-11-22T01:02:04Z")), true);
    ser.verifySerialization(new InstanceStatus("web#1", null, "web", null, null, "n1", "stopped", "not started yet",
        null, Map.of(), false, 0, null, null, null, null, Instant.parse("2026-11-22T01:02:04Z")), true);
  }

  @Test
  void startsFetchesThenStartsThenRunsAndRegistersOnceHealthy() throws IOException {
    int port = listener();
    h.fx.artifact("web", "1.0.0", true, true);
    h.fx.file("apps/web.yaml", """
        image: web
        version: 1.0.0
        env: {GREETING: "hi ${GLOW_INSTANCE}"}
        provides: {http: %d}
        config: {path: conf/web.properties, source: configs/web.properties, on-change: reload}
        health: {port: http, interval: 100ms, timeout: 500ms}
        """.formatted(port))
        .file("configs/web.properties", "port=${PORT_HTTP}\nid=${GLOW_INSTANCE_ID}\n")
        .deploy("web", 1).load();

    ActorRef<Command> sup = supervise("web#1");

    assertEquals(List.of("fetching", "starting", "running"), statesUntil("web#1", "running"));
    assertEquals(new ServiceRegistry.Register("web:" + port, "127.0.0.1:" + port, "n1"), h.registry.receiveMessage(WAIT));
    InMemoryProcess p = h.driver.lastStarted().orElseThrow();
    Path dir = h.fx.instanceDir("web#1");
    assertEquals(dir, p.spec().workingDir());
    assertEquals(List.of(h.fx.cache.resolve("web/1.0.0/bin/start").toString()), p.spec().command());
    assertEquals(String.valueOf(port), p.spec().environment().get("PORT_HTTP"));
    assertEquals(dir.resolve("conf/web.properties").toAbsolutePath().toString(), p.spec().environment().get("GLOW_CONFIG"));
    assertEquals("hi 1", p.spec().environment().get("GREETING"));
    assertEquals("/usr/bin:/bin", p.spec().environment().get("PATH"));
    assertEquals("port=" + port + "\nid=web:1.0.0#1\n", Files.readString(dir.resolve("conf/web.properties")));

    InstanceStatus s = status(sup);
    assertEquals("web:1.0.0#1", s.id());
    assertEquals("running", s.state());
    assertTrue(s.healthy());
    assertEquals(p.pid(), s.pid());
    assertEquals(Map.of("http", port), s.ports());
    assertEquals(0, s.restarts());
    assertTrue(s.configVersion().matches("[0-9a-f]{12}"), s.configVersion());

    // output lines reach the instance's log file and the node's hub
    p.emit(StdStream.STDOUT, "hello from web");
    h.events.awaitAssert(WAIT, () -> {
      List<LogLine> lines = h.fx.hub.since(Instant.EPOCH, l -> l.instance().equals("web#1"), 10);
      assertEquals(List.of("hello from web"), lines.stream().map(LogLine::text).toList());
      try {
        assertTrue(Files.readString(h.fx.data.resolve("logs/web#1.log")).contains(" stdout hello from web\n"));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  @Test
  void exitGoesToBackoffThenRestartsAndCountsTheRestart() throws IOException {
    worker("worker", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("worker#1");
    assertEquals(List.of("fetching", "running"), statesUntil("worker#1", "running"));

    InMemoryProcess crashing = h.driver.lastStarted().orElseThrow();
    crashing.emit(StdStream.STDERR, "cannot open database: connection refused");
    crashing.emit(StdStream.STDOUT, "bye");
    crashing.exit(3);

    InstanceStatus backoff = awaitState("worker#1", "backoff");
    assertEquals(3, backoff.lastExitCode());
    assertEquals("exited with code 3", backoff.lastExitReason());
    assertTrue(backoff.detail().matches("exited with code 3 after [0-9.]+ m?s; last output: \"cannot open database:"
        + " connection refused\"; restarting in 50 ms"), backoff.detail());
    InstanceStatus again = awaitState("worker#1", "running");
    assertEquals(1, again.restarts());
    assertEquals(2, h.driver.started().size());
    assertEquals(h.driver.started().get(1).pid(), again.pid());

    // a second quick exit waits twice as long
    h.driver.lastStarted().orElseThrow().exit(4);
    assertTrue(awaitState("worker#1", "backoff").detail().endsWith("; restarting in 100 ms"));
    assertEquals(2, awaitState("worker#1", "running").restarts());
  }

  @Test
  void configChangeWithReloadReplacesTheFileAtomicallyAndSendsHup() throws IOException {
    worker("cfg", "1.0.0");
    h.fx.file("apps/cfg.yaml", """
        image: cfg
        version: 1.0.0
        config: {path: app.conf, source: configs/cfg.conf, on-change: reload}
        """).file("configs/cfg.conf", "greeting=hello\n").load();
    ActorRef<Command> sup = supervise("cfg#1");
    InstanceStatus first = awaitState("cfg#1", "running");
    Path file = h.fx.instanceDir("cfg#1").resolve("app.conf");
    Object inodeBefore = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    h.fx.file("configs/cfg.conf", "greeting=bonjour\n").load();
    sup.tell(new Ensure());

    InMemoryProcess p = h.driver.lastStarted().orElseThrow();
    h.events.awaitAssert(WAIT, () -> {
      assertEquals(List.of(Signal.HUP), p.signals());
      return null;
    });
    assertEquals("greeting=bonjour\n", Files.readString(file));
    // a rename over the old file gives a new inode; an in-place write would keep it
    assertNotEquals(inodeBefore, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    InstanceStatus after = status(sup);
    assertEquals(1, h.driver.started().size());
    assertEquals(first.pid(), after.pid());
    assertNotEquals(first.configVersion(), after.configVersion());
    assertTrue(p.isRunning());

    // an Ensure without change does nothing more
    sup.tell(new Ensure());
    assertEquals(after.configVersion(), status(sup).configVersion());
    assertEquals(List.of(Signal.HUP), p.signals());
  }

  @Test
  void configChangeWithRestartRestartsTheProcess() throws IOException {
    worker("rs", "1.0.0");
    h.fx.file("apps/rs.yaml", """
        image: rs
        version: 1.0.0
        config: {path: app.conf, source: configs/rs.conf, on-change: restart}
        """).file("configs/rs.conf", "a=1\n").load();
    ActorRef<Command> sup = supervise("rs#1");
    awaitState("rs#1", "running");
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    h.fx.file("configs/rs.conf", "a=2\n").load();
    sup.tell(new Ensure());

    assertEquals("stopping: restart for config " + LaunchPlan.sha256("a=2\n".getBytes()).substring(0, 12),
        awaitState("rs#1", "stopping").detail());
    assertEquals(List.of("fetching", "running"), statesUntil("rs#1", "running"));
    assertEquals(List.of(Signal.TERM), old.signals());
    assertFalse(old.isRunning());
    assertEquals(2, h.driver.started().size());
    assertEquals("a=2\n", Files.readString(h.fx.instanceDir("rs#1").resolve("app.conf")));
    assertEquals(1, status(sup).restarts());
  }

  @Test
  void versionChangeDeregistersStopsTheOldProcessAndStartsTheNewVersion() throws IOException {
    int port = listener();
    h.fx.artifact("api", "1.0.0", true, true);
    h.fx.artifact("api", "2.0.0", true, true);
    String yaml = """
        image: api
        version: %s
        provides: {http: %d}
        health: {interval: 100ms, timeout: 500ms}
        """;
    h.fx.file("apps/api.yaml", yaml.formatted("1.0.0", port)).deploy("api", 1).load();
    ActorRef<Command> sup = supervise("api#1");
    awaitState("api#1", "running");
    ServiceRegistry.Register reg = new ServiceRegistry.Register("api:" + port, "127.0.0.1:" + port, "n1");
    assertEquals(reg, h.registry.receiveMessage(WAIT));
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    h.fx.file("apps/api.yaml", yaml.formatted("2.0.0", port)).load();
    sup.tell(new Ensure());

    InstanceStatus stopping = awaitState("api#1", "stopping");
    assertEquals("stopping: replacing api:1.0.0#1 with api:2.0.0#1 (version changed)", stopping.detail());
    assertEquals(new ServiceRegistry.Deregister(reg.service(), reg.endpoint(), reg.node()), h.registry.receiveMessage(WAIT));
    InstanceStatus running = awaitState("api#1", "running");
    assertEquals(reg, h.registry.receiveMessage(WAIT));
    assertEquals("api:2.0.0#1", running.id());
    assertEquals("2.0.0", running.version());
    assertEquals(0, running.restarts());
    assertFalse(old.isRunning());
    assertEquals(List.of(Signal.TERM), old.signals());
    InMemoryProcess now = h.driver.lastStarted().orElseThrow();
    assertEquals(List.of(h.fx.cache.resolve("api/2.0.0/bin/start").toString()), now.spec().command());
    assertEquals(2, h.driver.started().size());
  }

  @Test
  void missingArtifactFailsWithADetailThatSaysWhatToDoAndIsRetriedAfterTheDelay() throws IOException {
    h.fx.file("apps/ghost.yaml", "image: ghost\nversion: 1.0.0\n").deploy("ghost", 1).load();
    ActorRef<Command> sup = supervise("ghost#1");

    InstanceStatus failed = awaitState("ghost#1", "failed");
    String a = h.fx.artifacts.toString();
    assertEquals("instance ghost#1 (ghost:1.0.0#1): artifact ghost 1.0.0 not found; tried "
        + a + "/ghost/1.0.0/ghost-1.0.0.tar.gz, " + a + "/ghost/1.0.0/ghost-1.0.0.zip, "
        + a + "/ghost/1.0.0/ghost-1.0.0.jar; publish it under " + a
        + " or fix image/version in the app's yaml (retried in 200 ms or as soon as the repo changes)",
        failed.detail());
    assertTrue(h.driver.started().isEmpty());

    // published later: a later Ensure (the reconciler sends them often) starts it once the delay is over
    h.fx.artifact("ghost", "1.0.0", true, true);
    h.events.awaitAssert(WAIT, () -> {
      sup.tell(new Ensure());
      assertEquals("running", status(sup).state());
      return null;
    });
  }

  @Test
  void checksumMismatchFails() throws IOException {
    Path file = h.fx.artifact("bad", "1.0.0", true, false);
    Path sum = file.resolveSibling(file.getFileName() + ".sha256");
    String wrong = "0".repeat(64);
    Files.writeString(sum, wrong + "  bad-1.0.0.tar.gz\n");
    h.fx.file("apps/bad.yaml", "image: bad\nversion: 1.0.0\n").deploy("bad", 1).load();
    supervise("bad#1");

    InstanceStatus failed = awaitState("bad#1", "failed");
    assertEquals("instance bad#1 (bad:1.0.0#1): artifact bad 1.0.0: checksum mismatch for " + file + ": expected "
        + wrong + " (from " + sum + "), got " + LaunchPlan.sha256(Files.readAllBytes(file))
        + "; the file is damaged or the .sha256 is stale: publish both again"
        + " (retried in 200 ms or as soon as the repo changes)", failed.detail());
    assertTrue(h.driver.started().isEmpty());
  }

  @Test
  void artifactWithoutStartScriptFailsAndAChangedSpecRetriesAtOnceWhileOthersRunOn() throws IOException {
    worker("steady", "1.0.0");
    h.fx.artifact("nostart", "1.0.0", false, true);
    h.fx.file("apps/nostart.yaml", "image: nostart\nversion: 1.0.0\n").deploy("nostart", 1).load();
    supervise("steady#1");
    awaitState("steady#1", "running");
    InMemoryProcess steady = h.driver.lastStarted().orElseThrow();
    SupervisorTiming slowRetry = SupervisorTiming.fast().withFailedRetry(Duration.ofMinutes(10));
    ActorRef<Command> sup = supervise("nostart#1", slowRetry);

    InstanceStatus failed = awaitState("nostart#1", "failed");
    assertEquals("instance nostart#1 (nostart:1.0.0#1): artifact nostart 1.0.0 has no bin/start (looked for "
        + h.fx.cache.resolve("nostart/1.0.0/bin/start") + "); add an executable bin/start to the artifact or give the"
        + " app a command (retried in 600 s or as soon as the repo changes)", failed.detail());
    sup.tell(new Ensure()); // same spec, retry delay not over: stays failed
    assertEquals("failed", status(sup).state());

    h.fx.file("apps/nostart.yaml", "image: nostart\nversion: 1.0.0\ncommand: [sh, -c, \"exec sleep 600\"]\n").load();
    sup.tell(new Ensure());

    awaitState("nostart#1", "running");
    assertEquals(List.of("sh", "-c", "exec sleep 600"), h.driver.lastStarted().orElseThrow().spec().command());
    assertTrue(steady.isRunning());
    assertEquals(2, h.driver.started().size());
  }

  @Test
  void unknownVariableInTheConfigFailsNamingTheFileAndTheVariable() throws IOException {
    worker("tpl", "1.0.0");
    h.fx.file("apps/tpl.yaml", """
        image: tpl
        version: 1.0.0
        config: {path: app.conf, source: configs/tpl.conf}
        """).file("configs/tpl.conf", "x=${NOPE}\n").load();
    supervise("tpl#1");

    InstanceStatus failed = awaitState("tpl#1", "failed");
    assertEquals("instance tpl#1 (tpl:1.0.0#1): config app.conf (from configs/tpl.conf): unknown variable ${NOPE}"
        + " (known: GLOW_APP, GLOW_IMAGE, GLOW_VERSION, GLOW_INSTANCE, GLOW_INSTANCE_ID, GLOW_NODE, GLOW_CONFIG,"
        + " and the node's environment); fix configs/tpl.conf or define the variable under env in apps/tpl.yaml"
        + " (write $${ for a literal ${) (retried in 200 ms or as soon as the repo changes)", failed.detail());
    assertTrue(h.driver.started().isEmpty());
  }

  @Test
  void stopDeregistersStopsTheProcessAndEndsTheActor() throws IOException {
    int port = listener();
    h.fx.artifact("db", "1.0.0", true, true);
    h.fx.file("apps/db.yaml", "image: db\nversion: 1.0.0\nprovides: {pg: %d}\nhealth: {interval: 100ms}\n".formatted(port))
        .deploy("db", 1).load();
    ActorRef<Command> sup = supervise("db#1");
    awaitState("db#1", "running");
    assertEquals(new ServiceRegistry.Register("db:" + port, "127.0.0.1:" + port, "n1"), h.registry.receiveMessage(WAIT));
    InMemoryProcess p = h.driver.lastStarted().orElseThrow();

    sup.tell(new Stop());

    assertEquals(new ServiceRegistry.Deregister("db:" + port, "127.0.0.1:" + port, "n1"), h.registry.receiveMessage(WAIT));
    InstanceStatus stopped = awaitState("db#1", "stopped");
    assertEquals("stopped (killed by signal 15)", stopped.detail());
    h.registry.expectTerminated(sup, WAIT);
    assertFalse(p.isRunning());
    assertEquals(List.of(Signal.TERM), p.signals());
  }

  @Test
  void stopKillsAProcessThatIgnoresTermAfterTheGrace() throws IOException {
    worker("stubborn", "1.0.0");
    h.fx.load();
    h.driver.onStart(InMemoryProcess::ignoreTerm);
    SupervisorTiming shortGrace = SupervisorTiming.fast().withStopGrace(Duration.ofMillis(300));
    ActorRef<Command> sup = supervise("stubborn#1", shortGrace);
    awaitState("stubborn#1", "running");

    sup.tell(new Stop());

    h.registry.expectTerminated(sup, WAIT);
    assertEquals(List.of(Signal.TERM, Signal.KILL), h.driver.lastStarted().orElseThrow().signals());
  }

  @Test
  void healthFallDeregistersAndMarksTheInstanceUnhealthy() throws IOException {
    int port = listener();
    h.fx.artifact("flaky", "1.0.0", true, true);
    h.fx.file("apps/flaky.yaml", "image: flaky\nversion: 1.0.0\nprovides: {http: %d}\nhealth: {interval: 100ms, timeout: 300ms}\n"
        .formatted(port)).deploy("flaky", 1).load();
    ActorRef<Command> sup = supervise("flaky#1");
    awaitState("flaky#1", "running");
    ServiceRegistry.Register reg = new ServiceRegistry.Register("flaky:" + port, "127.0.0.1:" + port, "n1");
    assertEquals(reg, h.registry.receiveMessage(WAIT));

    servers.get(0).close(); // the port now refuses connections

    assertEquals(new ServiceRegistry.Deregister(reg.service(), reg.endpoint(), reg.node()), h.registry.receiveMessage(WAIT));
    InstanceStatus unhealthy = awaitState("flaky#1", "unhealthy");
    assertFalse(unhealthy.healthy());
    assertTrue(unhealthy.detail().startsWith("connect to 127.0.0.1:" + port + ": "), unhealthy.detail());
    assertTrue(h.driver.lastStarted().orElseThrow().isRunning());
  }

  @Test
  void aProcessNotHealthyWithinTheStartTimeoutIsStoppedAndRestartedWithBackoff() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: the port refuses connections
    }
    h.fx.artifact("mute", "1.0.0", true, true);
    h.fx.file("apps/mute.yaml", "image: mute\nversion: 1.0.0\nprovides: {http: %d}\nhealth: {interval: 100ms}\n"
        .formatted(port)).deploy("mute", 1).load();
    supervise("mute#1", SupervisorTiming.fast().withStartTimeout(Duration.ofMillis(400)));
    awaitState("mute#1", "starting");
    InMemoryProcess first = h.driver.lastStarted().orElseThrow();

    InstanceStatus stopping = awaitState("mute#1", "stopping");
    assertTrue(stopping.detail().matches("stopping: not healthy within 400 ms of its start \\(last check: connect to"
        + " 127\\.0\\.0\\.1:" + port + ": .*\\)"), stopping.detail());
    InstanceStatus backoff = awaitState("mute#1", "backoff");
    assertTrue(backoff.detail().startsWith("not healthy within 400 ms of its start"), backoff.detail());
    assertTrue(backoff.detail().endsWith("; restarting in 50 ms"), backoff.detail());
    assertEquals(List.of(Signal.TERM), first.signals());
    awaitState("mute#1", "starting");
    assertEquals(2, h.driver.started().size());
    h.registry.expectNoMessage(Duration.ofMillis(50)); // never registered
  }

  @Test
  void restartRepliesOnceTheNewProcessHasStarted() throws IOException {
    worker("again", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("again#1");
    awaitState("again#1", "running");
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    sup.tell(new Restart(reply.ref()));

    assertTrue(reply.receiveMessage(WAIT).isSuccess());
    assertEquals(2, h.driver.started().size());
    assertFalse(old.isRunning());
    assertEquals(1, status(sup).restarts());
  }

  @Test
  void deploymentRemovedFromTheSnapshotStopsTheInstance() throws IOException {
    worker("gone", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("gone#1");
    awaitState("gone#1", "running");

    h.fx.delete("deployments/gone-1.yaml").load();
    sup.tell(new Ensure());

    h.registry.expectTerminated(sup, WAIT);
    assertFalse(h.driver.lastStarted().orElseThrow().isRunning());
  }

  @Test
  void stopWhileTheArtifactIsStillDownloadingStartsNoProcess() throws Exception {
    Path tarGz = h.fx.artifact("slow", "1.0.0", true, false);
    h.fx.file("apps/slow.yaml", "image: slow\nversion: 1.0.0\n").deploy("slow", 1).load();
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext("/", ex -> {
      try {
        boolean isArchive = ex.getRequestURI().getPath().endsWith("/slow-1.0.0.tar.gz");
        if (isArchive) release.await(10, TimeUnit.SECONDS);
        byte[] body = isArchive ? Files.readAllBytes(tarGz) : new byte[0];
        ex.sendResponseHeaders(isArchive ? 200 : 404, isArchive ? body.length : -1);
        if (isArchive) ex.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
    });
    server.start();
    try {
      ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/slow#1", h.fx.runtime(h.driver, h.registry.ref(),
          SupervisorTiming.fast(), NODE_ENV, "http://127.0.0.1:" + server.getAddress().getPort())));
      sup.tell(new Ensure());
      awaitState("slow#1", "fetching");

      sup.tell(new Stop());
      assertEquals("asked to stop", awaitState("slow#1", "stopped").detail());
      h.registry.expectTerminated(sup, WAIT);
      release.countDown();

      Path unpacked = h.fx.cache.resolve("slow/1.0.0");
      h.events.awaitAssert(WAIT, () -> {
        assertTrue(Files.isDirectory(unpacked));
        return null;
      });
      // the fetch finished after the stop: no process may appear, however the race goes
      long until = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < until) {
        assertTrue(h.driver.running().isEmpty(), "a process runs after its supervisor stopped");
        h.events.expectNoMessage(Duration.ofMillis(50));
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aDeploymentMovedToAnotherNodeStopsHere() throws IOException {
    worker("mover", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("mover#1");
    awaitState("mover#1", "running");

    h.fx.file("deployments/mover-1.yaml", "app: mover\nnode: n2\ninstance: 1\n").load();
    sup.tell(new Ensure());

    assertEquals("stopping: the deployment is gone from this node's snapshot", awaitState("mover#1", "stopping").detail());
    h.registry.expectTerminated(sup, WAIT);
    assertFalse(h.driver.lastStarted().orElseThrow().isRunning());
  }

  @Test
  void anActorStoppedWithoutStopLeavesNoProcess() throws IOException {
    worker("orphan", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("orphan#1");
    awaitState("orphan#1", "running");

    testKit.stop(sup, WAIT);

    assertEquals("the supervisor stopped without Stop (shutdown or failure); its process was told to stop",
        awaitState("orphan#1", "stopped").detail());
    InMemoryProcess p = h.driver.lastStarted().orElseThrow();
    h.events.awaitAssert(WAIT, () -> {
      assertFalse(p.isRunning());
      return null;
    });
  }

  @Test
  void runsAsTheNodesRunAsUserInADirectoryThatUserOwns() throws IOException {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can hand a directory to another user");
    worker("asuser", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/asuser#1", h.fx.runtimeAs("nobody", h.driver, h.registry.ref())));
    h.supervisors.add(sup);
    sup.tell(new Ensure());
    awaitState("asuser#1", "running");

    assertEquals(java.util.Optional.of("nobody"), h.driver.lastStarted().orElseThrow().spec().runAsUser());
    assertEquals("nobody", Files.getOwner(h.fx.instanceDir("asuser#1")).getName());
  }

  @Test
  void anUnknownRunAsUserFailsWithWhatToDo() throws IOException {
    worker("nouser", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/nouser#1",
        h.fx.runtimeAs("no-such-user-here", h.driver, h.registry.ref())));
    h.supervisors.add(sup);
    sup.tell(new Ensure());

    assertEquals("instance nouser#1 (nouser:1.0.0#1): user no-such-user-here (glow.node.run-as-user) does not exist on"
        + " node n1; create it or change the setting (retried in 200 ms or as soon as the repo changes)",
        awaitState("nouser#1", "failed").detail());
  }

  @Test
  void aBadVariableInANewSpecKeepsTheRunningProcess() throws IOException {
    worker("keep", "1.0.0");
    h.fx.load();
    ActorRef<Command> sup = supervise("keep#1");
    awaitState("keep#1", "running");

    h.fx.file("apps/keep.yaml", "image: keep\nversion: 1.0.0\ncommand: [bin/start, \"${MISSING}\"]\n").load();
    sup.tell(new Ensure());

    InstanceStatus s = status(sup);
    assertEquals("running", s.state());
    assertNotNull(s.pid());
    assertTrue(s.detail().startsWith("instance keep#1 (keep:1.0.0#1): command[1]: unknown variable ${MISSING}"),
        s.detail());
    assertTrue(s.detail().endsWith("; still running keep:1.0.0#1"), s.detail());
    assertEquals(1, h.driver.started().size());

    h.fx.file("apps/keep.yaml", "image: keep\nversion: 1.0.0\n").load(); // fixed back: the note goes away
    sup.tell(new Ensure());
    assertEquals("started, pid " + s.pid() + " (no health check)", status(sup).detail());
  }
}
