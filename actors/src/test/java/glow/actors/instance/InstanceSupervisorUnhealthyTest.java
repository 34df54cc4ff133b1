package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.sun.net.httpserver.HttpServer;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Ensure;
import glow.actors.instance.InstanceSupervisor.GetStatus;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.process.InMemoryProcessDriver.InMemoryProcess;
import glow.actors.process.Signal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * health.restart-after: the supervisor (in-memory process driver) against a real HTTP health
 * endpoint on 127.0.0.1 that answers 503 while the test says the app is sick.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InstanceSupervisorUnhealthyTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path root;
  HttpServer server;
  final AtomicBoolean sick = new AtomicBoolean();
  ActorRef<Command> sup;

  Supervised h;

  @BeforeEach
  void setUp() throws IOException {
    h = new Supervised(testKit, root);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/healthz", ex -> {
      ex.sendResponseHeaders(sick.get() ? 503 : 200, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    h.close();
    server.stop(0);
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  /** Deploys app "hang" checked every 50 ms over HTTP, with the given restart-after, and supervises it. */
  void supervise(String restartAfter) throws IOException {
    h.fx.artifact("hang", "1.0.0", true, true);
    h.fx.file("apps/hang.yaml", ("image: hang\nversion: 1.0.0\nprovides: {http: %d}\n"
        + "health: {http: /healthz, interval: 50ms, timeout: 500ms, restart-after: %s}\n")
        .formatted(server.getAddress().getPort(), restartAfter)).deploy("hang", 1).load();
    sup = testKit.spawn(InstanceSupervisor.create("n1/hang#1",
        h.fx.runtime(h.driver, h.registry.ref(), SupervisorTiming.fast().withStopGrace(Duration.ofMillis(200)),
            Map.of("PATH", "/usr/bin:/bin"))));
    h.supervisors.add(sup);
    sup.tell(new Ensure());
  }

  InstanceStatus awaitState(String state) {
    List<InstanceStatus> got = h.events.fishForMessage(WAIT, s -> s.state().equals(state)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return got.get(got.size() - 1);
  }

  InstanceStatus status() {
    TestProbe<InstanceStatus> p = testKit.createTestProbe();
    sup.tell(new GetStatus(p.ref()));
    return p.receiveMessage(WAIT);
  }

  String failure() {
    return "GET http://127.0.0.1:" + server.getAddress().getPort() + "/healthz: HTTP 503";
  }

  @Test
  void anInstanceUnhealthyForRestartAfterIsRestartedWithBackoffAndSaysWhy() throws IOException {
    h.driver.onStart(InMemoryProcess::ignoreTerm); // a hung app: TERM is not enough
    supervise("400ms");
    awaitState("running");
    InMemoryProcess first = h.driver.lastStarted().orElseThrow();

    sick.set(true); // the app hangs: its health endpoint fails from now on
    InstanceStatus unhealthy = awaitState("unhealthy");
    assertEquals(failure() + " (2 checks in a row); endpoints deregistered; restarted once unhealthy for 400ms",
        unhealthy.detail());
    InstanceStatus stopping = awaitState("stopping");
    assertEquals("stopping: unhealthy for 400ms: " + failure(), stopping.detail());
    Duration waited = Duration.between(unhealthy.since(), stopping.since());
    assertTrue(waited.compareTo(Duration.ofMillis(400)) >= 0, "restarted after " + waited);
    InstanceStatus backoff = awaitState("backoff");
    assertEquals("unhealthy for 400ms: " + failure() + "; restarting in 50 ms", backoff.detail());
    assertEquals(List.of(Signal.TERM, Signal.KILL), first.signals()); // after the 200 ms grace

    sick.set(false); // the new process answers
    InstanceStatus again = awaitState("running");
    assertEquals(2, h.driver.started().size());
    assertEquals(1, again.restarts());
    assertEquals("healthy, pid " + again.pid() + " (restarted: unhealthy for 400ms: " + failure() + ")", again.detail());

    sick.set(true); // hangs again soon after its start: the exits' back-off doubles
    assertEquals("unhealthy for 400ms: " + failure() + "; restarting in 100 ms", awaitState("backoff").detail());
    sick.set(false);
    assertEquals(2, awaitState("running").restarts());
  }

  @Test
  void anInstanceThatRecoversBeforeRestartAfterKeepsItsProcess() throws IOException {
    supervise("600ms");
    awaitState("running");
    sick.set(true);
    awaitState("unhealthy");

    sick.set(false); // one passing check within restart-after
    InstanceStatus recovered = awaitState("running");
    assertEquals("healthy, pid " + recovered.pid(), recovered.detail());
    h.events.expectNoMessage(Duration.ofMillis(900)); // past restart-after: no stopping, no new process
    assertEquals(1, h.driver.started().size());
    assertEquals(0, status().restarts());
    assertEquals(List.of(), h.driver.lastStarted().orElseThrow().signals());

    sick.set(true); // a new fall starts a new clock
    InstanceStatus unhealthy = awaitState("unhealthy");
    InstanceStatus stopping = awaitState("stopping");
    assertTrue(Duration.between(unhealthy.since(), stopping.since()).compareTo(Duration.ofMillis(600)) >= 0);
  }

  @Test
  void restartAfterNeverLeavesAnUnhealthyInstanceRunning() throws IOException {
    supervise("never");
    awaitState("running");
    sick.set(true);
    InstanceStatus unhealthy = awaitState("unhealthy");
    assertEquals(failure() + " (2 checks in a row); endpoints deregistered", unhealthy.detail());
    assertEquals(failure() + "; endpoints deregistered", awaitState("unhealthy").detail()); // the next check

    h.events.expectNoMessage(Duration.ofMillis(600));
    assertEquals("unhealthy", status().state());
    assertEquals(1, h.driver.started().size());
    assertEquals(List.of(), h.driver.lastStarted().orElseThrow().signals());
  }

  @Test
  void aCommitThatShortensRestartAfterAppliesToAnInstanceUnhealthyAlready() throws IOException {
    supervise("10m");
    awaitState("running");
    sick.set(true);
    InstanceStatus unhealthy = awaitState("unhealthy");
    assertTrue(unhealthy.detail().endsWith("; restarted once unhealthy for 10m"), unhealthy.detail());

    h.fx.file("apps/hang.yaml", ("image: hang\nversion: 1.0.0\nprovides: {http: %d}\n"
        + "health: {http: /healthz, interval: 50ms, timeout: 500ms, restart-after: 300ms}\n")
        .formatted(server.getAddress().getPort())).load();
    sup.tell(new Ensure()); // same launch: the process runs on with the new health spec

    assertEquals("stopping: unhealthy for 300ms: " + failure(), awaitState("stopping").detail());
    assertEquals(1, awaitState("starting").restarts());
    assertEquals(2, h.driver.started().size());
  }
}
