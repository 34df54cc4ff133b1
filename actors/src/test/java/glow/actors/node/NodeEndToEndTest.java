package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.artifact.ArtifactStore;
import glow.actors.housekeeping.DataDirSweep;
import glow.actors.housekeeping.Housekeeping;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.SupervisorTiming;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.OsProcessDriver;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import glow.actors.repo.GitRepo;
import glow.actors.repo.RepoSync;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A whole node, end to end: a one-node cluster started in-process with {@link NodeServices}, a real
 * git repo (JGit, temp dir) it follows, the real process driver running the demo greeter (a JVM
 * app: HTTP, config file, SIGHUP reload) and a tiny shell "client" app whose {@code requires} makes
 * the node open a loopback proxy port. The steps run in order on the same node, each changing the
 * repo the way an operator would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeEndToEndTest {
  static Path tmp;
  static Path data;
  static GitRepo repo;
  static OsProcessDriver driver;
  static NodeLogHub logs;
  static NodeServices services;
  static GlowNode node;
  static ActorTestKit testKit;
  /** greeter#1 binds greeterPort, greeter#2 (port-offset 1) greeterPort + 1. */
  static int greeterPort;
  /** The client's loopback port for greeter:http. */
  static int local;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("glow-e2e");
    data = tmp.resolve("data");
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.copyDemo(artifacts, "greeter", "1.0.0");
    TestArtifacts.copyDemo(artifacts, "greeter", "1.1.0");
    TestArtifacts.tarGz(artifacts, "client", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"), true, null);
    greeterPort = freePortPair();
    local = freePort();
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/greeter.yaml", greeterApp("1.0.0"))
        .write("configs/greeter.properties", "greeting=Hello\n")
        .write("deployments/greeter-1.yaml", "app: greeter\nnode: dev\ninstance: 1\n")
        .write("deployments/greeter-2.yaml", "app: greeter\nnode: dev\ninstance: 2\nport-offset: 1\n")
        .write("apps/client.yaml", "image: client\nversion: 1.0.0\nrequires:\n  - greeter:http -> " + local + "\n")
        .write("deployments/client-1.yaml", "app: client\nnode: dev\n")
        .commit("two greeters and a client");
    NodeSettings settings = TestNodes.settings("dev", null, Map.of("repo", repo.dir().toString(),
        "data-dir", data.toString(), "artifacts", artifacts.toString(), "sync-interval", "1s"));
    driver = new OsProcessDriver(data.resolve("processes"));
    driver.reapLeftovers();
    logs = new NodeLogHub(1000, 1000);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(artifacts.toString(),
        data.resolve("artifact-cache")), logs, SupervisorTiming.fast(),
        ListenersSettings.defaults().withDrainGrace(Duration.ofSeconds(1)), env));
    node = GlowNode.start(settings, services);
    testKit = ActorTestKit.create(node.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    driver.close();
    logs.close();
    repo.close();
  }

  static String greeterApp(String version) {
    return "image: greeter\nversion: " + version + "\nprovides: {http: " + greeterPort + "}\n"
        + "config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}\n"
        + "health: {port: http, http: /healthz, interval: 300ms, timeout: 1s}\n"
        + "limits: {memory: 512M}\n"; // as the demo repo: the demo JVMs start under it
  }

  @Test
  @Order(1)
  void deployedInstancesAnswerThroughTheConsumersLoopbackPortBalancedOverBoth() throws Exception {
    awaitStatus("greeter#1", s -> s.state().equals("running"), "greeter#1 running");
    awaitStatus("greeter#2", s -> s.state().equals("running"), "greeter#2 running");
    awaitStatus("client#1", s -> s.state().equals("running"), "client#1 running");
    Set<String> answeredBy = awaitAnswers(a -> a.startsWith("Hello from "), Set.of("#1", "#2"));
    assertEquals(Set.of("#1", "#2"), answeredBy);
  }

  @Test
  @Order(2)
  void configChangeReplacesTheFileAndSignalsTheProcessWithoutRestart() throws Exception {
    Map<String, Long> pids = pids("greeter#1", "greeter#2");
    syncAndAwait(repo.write("configs/greeter.properties", "greeting=Howdy\n").commit("new greeting"));
    awaitAnswers(a -> a.startsWith("Howdy from "), Set.of("#1", "#2"));
    assertEquals("greeting=Howdy\n", Files.readString(data.resolve("instances/greeter-1/greeter.properties")));
    assertEquals(pids, pids("greeter#1", "greeter#2"), "reloaded by SIGHUP, not restarted");
  }

  @Test
  @Order(3)
  void killedInstanceIsRestartedAndNoRequestThroughTheProxyFailsMeanwhile() throws Exception {
    long killed = pids("greeter#1").get("greeter#1");
    int requests = 0;
    int failures = 0;
    String lastFailure = null;
    boolean back = false;
    // bounded: at most 3000 requests (each on a new connection) and 30 s
    Instant deadline = Instant.now().plusSeconds(30);
    for (; requests < 3000 && Instant.now().isBefore(deadline) && !back; requests++) {
      if (requests == 20) {
        // SIGKILL between two requests, and wait until it is dead: the client has no request in
        // flight on it (a TCP proxy cannot save a connection whose server dies mid-answer)
        ProcessHandle h = ProcessHandle.of(killed).orElseThrow();
        h.destroyForcibly();
        h.onExit().get(5, TimeUnit.SECONDS);
      }
      try {
        String answer = get(local);
        if (!answer.startsWith("Howdy from ")) throw new IOException("unexpected answer " + answer);
      } catch (IOException e) {
        failures++;
        lastFailure = e.toString();
      }
      if (requests > 20 && requests % 25 == 0) {
        InstanceStatus s = statuses().get("greeter#1");
        back = s != null && s.state().equals("running") && s.pid() != null && s.pid() != killed;
      }
    }
    assertTrue(back, "greeter#1 was not running again after " + requests + " requests");
    assertEquals(0, failures, failures + " of " + requests + " requests failed, last: " + lastFailure);
    assertTrue(statuses().get("greeter#1").restarts() >= 1);
  }

  @Test
  @Order(4)
  void versionChangeReplacesTheProcesses() throws Exception {
    Map<String, Long> before = pids("greeter#1", "greeter#2");
    syncAndAwait(repo.write("apps/greeter.yaml", greeterApp("1.1.0")).commit("greeter 1.1.0"));
    awaitAnswers(a -> a.endsWith("(greeter 1.1.0)"), Set.of("#1", "#2"));
    awaitStatus("greeter#1", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "greeter#1 1.1.0 running");
    awaitStatus("greeter#2", s -> s.state().equals("running") && "1.1.0".equals(s.version()), "greeter#2 1.1.0 running");
    Map<String, Long> after = pids("greeter#1", "greeter#2");
    assertNotEquals(before.get("greeter#1"), after.get("greeter#1"));
    assertNotEquals(before.get("greeter#2"), after.get("greeter#2"));
    assertFalse(alive(before.get("greeter#1")) || alive(before.get("greeter#2")), "old processes are gone");
  }

  @Test
  @Order(5)
  void badYamlTouchesNothingThatRunsAndIsReported() throws Exception {
    Map<String, Long> before = pids("greeter#1", "greeter#2", "client#1");
    String good = Files.readString(repo.dir().resolve("apps/greeter.yaml"));
    try {
      syncAndAwait(repo.write("apps/greeter.yaml", "image: greeter\nversion: [1.2.0\n").commit("broken greeter"));
      assertTrue(services.current().problems().stream().anyMatch(p -> p.file().equals("apps/greeter.yaml")
          && p.message().contains("yaml syntax error")), services.current().problems().toString());
      for (int i = 0; i < 20; i++) assertTrue(get(local).endsWith("(greeter 1.1.0)"));
      assertEquals(before, pids("greeter#1", "greeter#2", "client#1"));
      statuses().values().forEach(s -> assertEquals("running", s.state(), s.key()));
    } finally {
      syncAndAwait(repo.write("apps/greeter.yaml", good).commit("greeter fixed"));
    }
  }

  @Test
  @Order(6)
  void badArtifactsFailOnlyTheirOwnInstanceWithAClearError() throws Exception {
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.tarGz(artifacts, "badsum", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"), true,
        "0000000000000000000000000000000000000000000000000000000000000000");
    TestArtifacts.tarGz(artifacts, "nostart", "1.0.0", Map.of("README", "no start script here\n"), true, null);
    Map<String, Long> before = pids("greeter#1", "greeter#2", "client#1");
    for (String app : List.of("missing", "badsum", "nostart")) {
      repo.write("apps/" + app + ".yaml", "image: " + app + "\nversion: 1.0.0\n")
          .write("deployments/" + app + "-1.yaml", "app: " + app + "\nnode: dev\n");
    }
    try {
      syncAndAwait(repo.commit("three broken artifacts"));
      assertTrue(awaitStatus("missing#1", s -> s.state().equals("failed"), "missing#1 failed").detail()
          .contains("artifact missing 1.0.0 not found; tried " + artifacts.resolve("missing/1.0.0/missing-1.0.0.tar.gz")));
      assertTrue(awaitStatus("badsum#1", s -> s.state().equals("failed"), "badsum#1 failed").detail()
          .contains("checksum mismatch for " + artifacts.resolve("badsum/1.0.0/badsum-1.0.0.tar.gz")));
      assertTrue(awaitStatus("nostart#1", s -> s.state().equals("failed"), "nostart#1 failed").detail()
          .contains("artifact nostart 1.0.0 has no bin/start"));
      assertEquals(before, pids("greeter#1", "greeter#2", "client#1"));
      for (int i = 0; i < 10; i++) assertTrue(get(local).endsWith("(greeter 1.1.0)"));
    } finally {
      for (String app : List.of("missing", "badsum", "nostart")) {
        repo.delete("apps/" + app + ".yaml").delete("deployments/" + app + "-1.yaml");
      }
      syncAndAwait(repo.commit("broken artifacts gone"));
    }
  }

  @Test
  @Order(7)
  void deletedDeploymentIsStoppedAndDeregistered() throws Exception {
    long second = pids("greeter#2").get("greeter#2");
    syncAndAwait(repo.delete("deployments/greeter-2.yaml").commit("one greeter is enough"));
    Await.until(() -> !alive(second), "greeter#2's process to end");
    TestProbe<ServiceRegistry.All> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      node.registry().tell(new ServiceRegistry.GetAll(probe.ref()));
      assertEquals(Set.of(new Endpoint("127.0.0.1:" + greeterPort, "dev")),
          probe.receiveMessage().services().get("greeter:" + greeterPort));
      return null;
    });
    assertFalse(statuses().containsKey("greeter#2"));
    for (int i = 0; i < 10; i++) assertTrue(get(local).contains("#1 (greeter"), "only greeter#1 answers");
    // the node's housekeeping works from the snapshot in force and keeps a just removed instance's files
    TestProbe<DataDirSweep.Report> sweep = testKit.createTestProbe();
    services.housekeeping().tell(new Housekeeping.SweepAndReport(sweep.ref()));
    DataDirSweep.Report report = sweep.receiveMessage(Duration.ofSeconds(20));
    assertEquals(services.current().version(), report.snapshotVersion());
    assertEquals(List.of(), report.removed());
    assertTrue(Files.isDirectory(data.resolve("instances/greeter-2")), "kept for the retention");
    assertTrue(Files.isRegularFile(data.resolve("logs/greeter#2.log")), "kept for the retention");
    assertTrue(Files.isDirectory(data.resolve("artifact-cache/greeter/1.0.0")), "kept for a rollback");
  }

  @Test
  @Order(8)
  void stoppingTheNodeLeavesNoChildProcess() throws Exception {
    Map<String, Long> running = pids("greeter#1", "client#1");
    node.stop().toCompletableFuture().get(45, TimeUnit.SECONDS);
    node.system().getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // checked before the driver is closed: the supervisors stopped their processes on hand-off
    running.forEach((key, pid) -> assertFalse(alive(pid), key + " (pid " + pid + ") still runs"));
    assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive),
        "children left: " + ProcessHandle.current().children().map(ProcessHandle::pid).toList());
  }

  // ---- helpers

  static Map<String, InstanceStatus> statuses() {
    TestProbe<NodeAgent.Instances> probe = testKit.createTestProbe();
    services.agent().tell(new NodeAgent.GetInstances(probe.ref()));
    Map<String, InstanceStatus> byKey = new HashMap<>();
    probe.receiveMessage(Duration.ofSeconds(10)).instances().forEach(s -> byKey.put(s.key(), s));
    return byKey;
  }

  static InstanceStatus awaitStatus(String key, Predicate<InstanceStatus> ok, String what) {
    Instant deadline = Instant.now().plusSeconds(40);
    InstanceStatus last = null;
    while (Instant.now().isBefore(deadline)) {
      last = statuses().get(key);
      if (last != null && ok.test(last)) return last;
      Await.pause();
    }
    throw new AssertionError("timed out waiting for " + what + "; last status: " + last);
  }

  static Map<String, Long> pids(String... keys) {
    Map<String, InstanceStatus> all = statuses();
    Map<String, Long> pids = new HashMap<>();
    for (String key : keys) {
      InstanceStatus s = all.get(key);
      assertTrue(s != null && s.pid() != null, key + " has no process: " + s);
      pids.put(key, s.pid());
    }
    return pids;
  }

  /**
   * Asks through the proxy until the answers satisfy {@code ok} and came from every instance
   * suffix in {@code from} (e.g. "#1"); returns the suffixes seen. Bounded: 200 requests, 40 s.
   */
  static Set<String> awaitAnswers(Predicate<String> ok, Set<String> from) {
    Set<String> seen = new HashSet<>();
    Instant deadline = Instant.now().plusSeconds(40);
    String last = null;
    for (int i = 0; i < 200 && Instant.now().isBefore(deadline); i++) {
      try {
        last = get(local);
        if (ok.test(last)) from.stream().filter(last::contains).forEach(seen::add);
        else seen.clear(); // an old answer after a new one: start over
        if (seen.equals(from)) return seen;
      } catch (IOException e) {
        last = e.toString();
      }
      Await.pause();
    }
    throw new AssertionError("answers through 127.0.0.1:" + local + " never matched from " + from + "; seen " + seen
        + ", last: " + last);
  }

  static void syncAndAwait(String version) {
    services.sync().tell(new RepoSync.SyncNow());
    Await.until(() -> services.current() != null && services.current().version().equals(version),
        "version " + version + " in force");
  }



  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** GET / on a new connection (the proxy balances connections), the body as text. */
  static String get(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 200")) throw new IOException("not a 200 answer: " + response);
      return response.substring(response.indexOf("\r\n\r\n") + 4).trim();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A port p such that p and p + 1 are both free now. */
  static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = freePort();
      if (p >= 65535) continue;
      try (ServerSocket next = new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two adjacent free ports on 127.0.0.1");
  }
}
