package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Ensure;
import glow.actors.instance.InstanceSupervisor.Stop;
import glow.actors.process.OsProcessDriver;
import glow.actors.registry.ServiceRegistry;
import glow.actors.rollout.Rollouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor running the real greeter demo artifact (a small Java HTTP server) as a real process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InstanceSupervisorOsTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Path ARTIFACTS = Path.of("..", "examples", "artifacts").toAbsolutePath().normalize();
  // a JVM starting on a busy 2-core machine takes seconds
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String APP = """
      image: greeter
      version: %s
      provides: {http: %d}
      config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}
      health: {port: http, http: /healthz, interval: 200ms, timeout: 1s}
      limits: {memory: 512M, processes: 256}
      """;

  @TempDir Path root;
  Fixture fx;
  OsProcessDriver driver;
  TestProbe<ServiceRegistry.Command> registry;
  TestProbe<InstanceStatus> events;
  int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void setUp() throws IOException {
    assertTrue(Files.isRegularFile(ARTIFACTS.resolve("greeter/1.0.0/greeter-1.0.0.tar.gz")), ARTIFACTS
        + " is filled by the build of examples/demo-apps: build it first (mvn -B -o -pl examples/demo-apps package)");
    fx = new Fixture(root);
    driver = new OsProcessDriver(root.resolve("driver-state"));
    registry = testKit.createTestProbe();
    events = testKit.createTestProbe();
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class, events.ref()));
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    fx.file("apps/greeter.yaml", APP.formatted("1.0.0", port))
        .file("configs/greeter.properties", "greeting=Hello from Glow\ninstance=${GLOW_INSTANCE_ID}\n")
        .deploy("greeter", 1).load();
  }

  @AfterEach
  void tearDown() {
    testKit.system().eventStream().tell(new EventStream.Unsubscribe<>(events.ref()));
    driver.close();
    fx.hub.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  ActorRef<Command> supervise() {
    Map<String, String> nodeEnv = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "JAVA_HOME", System.getProperty("java.home"));
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/greeter#1",
        fx.runtime(driver, registry.ref(), SupervisorTiming.fast(), nodeEnv, ARTIFACTS)));
    sup.tell(new Ensure());
    return sup;
  }

  InstanceStatus awaitState(String state) {
    List<InstanceStatus> got = events.fishForMessage(WAIT, s -> s.key().equals("greeter#1") && s.state().equals(state)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return got.get(got.size() - 1);
  }

  String get() throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode());
    return resp.body();
  }

  void awaitGone(long pid) {
    events.awaitAssert(WAIT, () -> {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
      return null;
    });
  }

  @Test
  void greeterAnswersBecomesRegisteredAndComesBackAfterKill9() throws Exception {
    ActorRef<Command> sup = supervise();
    InstanceStatus running = awaitState("running");
    ServiceRegistry.Register reg = new ServiceRegistry.Register("greeter:" + port, "127.0.0.1:" + port, "n1");
    assertEquals(reg, registry.receiveMessage(WAIT));
    assertEquals("Hello from Glow from greeter:1.0.0#1 (greeter 1.0.0)\n", get());
    long pid = running.pid();
    // the app's stdout reaches the instance's log file
    events.awaitAssert(WAIT, () -> {
      try {
        // record: <glow timestamp> stdout <the app's own timestamp> greeter 1.0.0 (...) listening on ...
        assertTrue(Files.readAllLines(fx.data.resolve("logs/greeter#1.log")).stream().anyMatch(l -> l.contains(" stdout ")
            && l.endsWith("greeter 1.0.0 (greeter:1.0.0#1) listening on 127.0.0.1:" + port + ", greeting \"Hello from Glow\"")),
            "no start line yet");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return null;
    });

    assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly()); // SIGKILL

    assertEquals(new ServiceRegistry.Deregister(reg.service(), reg.endpoint(), reg.node()), registry.receiveMessage(WAIT));
    InstanceStatus backoff = awaitState("backoff");
    assertEquals("killed by signal 9", backoff.lastExitReason());
    assertEquals(137, backoff.lastExitCode());
    InstanceStatus again = awaitState("running");
    assertEquals(1, again.restarts());
    assertNotEquals(pid, again.pid());
    assertEquals(reg, registry.receiveMessage(WAIT));
    assertEquals("Hello from Glow from greeter:1.0.0#1 (greeter 1.0.0)\n", get());

    sup.tell(new Stop());
    registry.expectTerminated(sup, WAIT);
    awaitGone(again.pid());
  }

  @Test
  void greeterReloadsItsConfigOnHupRollsToANewVersionAndLeavesNoProcessOnStop() throws Exception {
    ActorRef<Command> sup = supervise();
    long pid = awaitState("running").pid();
    assertEquals("Hello from Glow from greeter:1.0.0#1 (greeter 1.0.0)\n", get());

    fx.file("configs/greeter.properties", "greeting=Bonjour\n").load();
    sup.tell(new Ensure());

    events.awaitAssert(WAIT, () -> {
      try {
        assertEquals("Bonjour from greeter:1.0.0#1 (greeter 1.0.0)\n", get());
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    });
    TestProbe<InstanceStatus> status = testKit.createTestProbe();
    sup.tell(new InstanceSupervisor.GetStatus(status.ref()));
    assertEquals(pid, status.receiveMessage(WAIT).pid()); // reloaded in place, not restarted

    fx.file("apps/greeter.yaml", APP.formatted("1.1.0", port)).load();
    sup.tell(new Ensure());

    InstanceStatus rolled = events.fishForMessage(WAIT, s -> s.state().equals("running") && "1.1.0".equals(s.version())
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).stream().reduce((a, b) -> b).orElseThrow();
    awaitGone(pid);
    assertEquals("Bonjour from greeter:1.1.0#1 (greeter 1.1.0)\n", get());

    sup.tell(new Stop());
    registry.expectTerminated(sup, WAIT);
    awaitGone(rolled.pid());
  }

  @Test
  void whileItsRolloutIsStoppedAKill9dGreeterComesBackOnTheVersionItRan() throws Exception {
    TestProbe<Rollouts.Command> coordinator = testKit.createTestProbe();
    Map<String, String> nodeEnv = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "JAVA_HOME", System.getProperty("java.home"));
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/greeter#1",
        fx.runtime(driver, registry.ref(), SupervisorTiming.fast(), nodeEnv, ARTIFACTS, coordinator.ref())));
    sup.tell(new Ensure());
    long pid = awaitState("running").pid();
    confirmRegistrationAndRelease(coordinator);

    fx.file("apps/greeter.yaml", APP.formatted("1.1.0", port)).load();
    sup.tell(new Ensure());
    Rollouts.Request ask = (Rollouts.Request) coordinator.fishForMessage(WAIT, c -> c instanceof Rollouts.Request r
        && r.kind() == Rollouts.Kind.ASK ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .stream().reduce((a, b) -> b).orElseThrow();
    String why = "greeter#2 on n2: exited with code 1 before it was healthy";
    ask.replyTo().tell(new Rollouts.Answer("greeter#1", ask.target(), Rollouts.Verdict.HALTED, why));
    String halted = "rollout of greeter to 1.1.0 stopped: " + why + " (fix the app and commit)";
    events.fishForMessage(WAIT, s -> halted.equals(s.detail()) ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());

    assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly()); // kill -9 of the old version's process

    InstanceStatus backoff = awaitState("backoff");
    assertEquals("killed by signal 9", backoff.lastExitReason());
    assertEquals("1.0.0", backoff.version());
    assertTrue(backoff.detail().endsWith("; kept on 1.0.0: " + halted), backoff.detail());
    InstanceStatus back = awaitState("running");
    assertNotEquals(pid, back.pid());
    assertEquals("1.0.0", back.version());
    assertEquals("Hello from Glow from greeter:1.0.0#1 (greeter 1.0.0)\n", get(), "the real process runs 1.0.0");
    confirmRegistrationAndRelease(coordinator);
    Rollouts.Request again = (Rollouts.Request) coordinator.fishForMessage(WAIT, c -> c instanceof Rollouts.Request r
        && r.kind() == Rollouts.Kind.ASK ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .stream().reduce((a, b) -> b).orElseThrow();
    assertEquals(why, again.halt(), "serving again, it asks for 1.1.0 and repeats the halt");

    sup.tell(new Stop());
    registry.expectTerminated(sup, WAIT);
    awaitGone(back.pid());
  }

  /** Acks the healthy process's confirmed registration; the down report is then released. */
  void confirmRegistrationAndRelease(TestProbe<Rollouts.Command> coordinator) {
    ServiceRegistry.Register reg = (ServiceRegistry.Register) registry.fishForMessage(WAIT,
        c -> c instanceof ServiceRegistry.Register ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .get(0);
    assertTrue(reg.replyTo() != null, "not serving until its registration is confirmed");
    reg.replyTo().tell(akka.pattern.StatusReply.ack());
    coordinator.fishForMessage(WAIT, c -> c.equals(new Rollouts.Release("greeter", "greeter#1"))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }
}
