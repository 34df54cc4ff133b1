package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Ensure;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.process.InMemoryProcessDriver.InMemoryProcess;
import glow.actors.registry.ServiceRegistry;
import glow.actors.rollout.Rollouts;
import glow.actors.rollout.Rollouts.Answer;
import glow.actors.rollout.Rollouts.Request;
import glow.actors.rollout.Rollouts.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's side of the rollout permit protocol, with a probe answering as the coordinator
 * and another as the registry (which confirms registrations when asked to).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InstanceSupervisorRolloutTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path root;
  TestProbe<Rollouts.Command> coordinator;
  ServerSocket listener;
  Supervised h;

  @BeforeEach
  void setUp() throws IOException {
    h = new Supervised(testKit, root);
    coordinator = testKit.createTestProbe();
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // the app's port: healthy while open
  }

  @AfterEach
  void tearDown() throws IOException {
    h.close();
    listener.close();
  }

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  void app(String version) throws IOException {
    app(version, "{interval: 100ms}");
  }

  void app(String version, String health) throws IOException {
    h.fx.artifact("web", version, true, true);
    h.fx.file("apps/web.yaml", "image: web\nversion: " + version + "\nprovides: {http: " + listener.getLocalPort()
        + "}\nhealth: " + health + "\n").deploy("web", 1).load();
  }

  /** web#1 serving 1.0.0: healthy, registered and its down report released (a first start needs no permit). */
  ActorRef<Command> runningWeb() throws IOException {
    return runningWeb("{interval: 100ms}", SupervisorTiming.fast());
  }

  ActorRef<Command> runningWeb(String health) throws IOException {
    return runningWeb(health, SupervisorTiming.fast());
  }

  ActorRef<Command> runningWeb(String health, SupervisorTiming timing) throws IOException {
    app("1.0.0", health);
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/web#1",
        h.fx.runtime(h.driver, h.registry.ref(), timing, coordinator.ref())));
    h.supervisors.add(sup);
    sup.tell(new Ensure());
    Request down = request(Rollouts.Kind.DOWN);
    assertEquals("fetching", down.state(), "a first start is not serving: it counts against max-unavailable");
    assertTrue(down.target().startsWith("1.0.0/"), down.target());
    awaitDetail(s -> s.state().equals("running") && "1.0.0".equals(s.version()));
    serveAgain();
    coordinator.expectNoMessage(Duration.ofMillis(300)); // serving: neither reports nor asks
    return sup;
  }

  /** Confirms the healthy process's registration; the down report is released once settled, and nothing follows. */
  void serveAgain() {
    ServiceRegistry.Register reg = (ServiceRegistry.Register) h.registry.fishForMessage(WAIT,
        c -> c instanceof ServiceRegistry.Register ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .get(0);
    assertTrue(reg.replyTo() != null, "an instance down is serving again only once its registration is confirmed");
    reg.replyTo().tell(StatusReply.ack());
    coordinator.fishForMessage(WAIT, c -> c.equals(new Rollouts.Release("web", "web#1"))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  InstanceStatus awaitDetail(java.util.function.Predicate<InstanceStatus> ok) {
    List<InstanceStatus> got = h.events.fishForMessage(WAIT, s -> s.key().equals("web#1") && ok.test(s)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return got.get(got.size() - 1);
  }

  Request request(boolean holding) {
    return request(holding ? Rollouts.Kind.RENEW : Rollouts.Kind.ASK);
  }

  /** The next request of this kind the coordinator gets, skipping anything else. */
  Request request(Rollouts.Kind kind) {
    List<Rollouts.Command> got = coordinator.fishForMessage(WAIT, c -> c instanceof Request r && r.kind() == kind
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (Request) got.get(got.size() - 1);
  }

  /**
   * The next ask for a target of this version, skipping anything else: a halted instance repeats its
   * ask for the old target every renew interval, so one may still be queued after a new commit.
   */
  Request askFor(String version) {
    List<Rollouts.Command> got = coordinator.fishForMessage(WAIT, c -> c instanceof Request r
        && r.kind() == Rollouts.Kind.ASK && r.target().startsWith(version + "/")
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (Request) got.get(got.size() - 1);
  }

  /** What {@link #haltRolloutTo110} leaves: the ask the coordinator answered HALTED, why, and the detail. */
  record Halt(Request ask, String why, String detail) {}

  /** Commits 1.1.0 and answers the running instance's ask with a halt (another instance failed). */
  Halt haltRolloutTo110(ActorRef<Command> sup) throws IOException {
    app("1.1.0");
    sup.tell(new Ensure());
    Request ask = request(false);
    String why = "web#2 on n2: exited with code 1 before it was healthy";
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.HALTED, why));
    String halted = "rollout of web to 1.1.0 stopped: " + why + " (fix the app and commit)";
    awaitDetail(s -> s.detail().equals(halted));
    return new Halt(ask, why, halted);
  }

  /** Every message the probe gets within window. */
  static <T> List<T> within(TestProbe<T> probe, Duration window) {
    List<T> got = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    try {
      for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
        got.add(probe.receiveMessage(Duration.ofNanos(left)));
      }
    } catch (AssertionError timedOut) {
      // the window is over
    }
    return got;
  }

  /** Takes every message already queued at the probe. */
  static void drain(TestProbe<?> probe) {
    try {
      while (true) probe.receiveMessage(Duration.ofMillis(20));
    } catch (AssertionError empty) {
      // nothing more queued
    }
  }

  @Test
  void aServingInstanceWaitsForItsPermitThenReplacesAndReleasesOnceConfirmedAndSettled() throws IOException {
    ActorRef<Command> sup = runningWeb();
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    app("1.1.0");
    sup.tell(new Ensure());

    Request ask = request(false);
    assertEquals("web", ask.app());
    assertEquals("web#1", ask.instance());
    assertEquals("n1", ask.node());
    assertTrue(ask.target().startsWith("1.1.0/"), ask.target());
    assertEquals(1, ask.maxUnavailable());
    assertNull(ask.halt());
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.WAIT, "web#2 on n2 is being replaced"));
    InstanceStatus asking = awaitDetail(s -> s.detail().startsWith("waiting"));
    assertEquals("waiting to roll to 1.1.0: asking the rollout coordinator for a permit", asking.detail());
    InstanceStatus waiting = awaitDetail(s -> s.detail().contains("web#2"));
    assertEquals("waiting to roll to 1.1.0: web#2 on n2 is being replaced", waiting.detail());
    assertEquals("running", waiting.state());
    assertEquals("1.0.0", waiting.version());
    assertTrue(old.isRunning());
    request(false); // asked again on the next tick

    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.GRANTED, null));
    assertTrue(h.registry.receiveMessage(WAIT) instanceof ServiceRegistry.Deregister);
    awaitDetail(s -> s.state().equals("running") && "1.1.0".equals(s.version()));
    assertFalse(old.isRunning());
    ServiceRegistry.Register reg = (ServiceRegistry.Register) h.registry.receiveMessage(WAIT);
    assertTrue(reg.replyTo() != null, "under a permit the registration is confirmed");
    // renewed while the replacement runs, and not released before the registry confirmed
    request(true);
    List<Rollouts.Command> meanwhile = within(coordinator, Duration.ofMillis(300));
    assertFalse(meanwhile.isEmpty(), "renewals go on");
    assertTrue(meanwhile.stream().allMatch(c -> c instanceof Request r && r.kind() == Rollouts.Kind.RENEW), meanwhile.toString());
    reg.replyTo().tell(StatusReply.ack());
    coordinator.fishForMessage(WAIT, c -> c.equals(new Rollouts.Release("web", "web#1"))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    coordinator.expectNoMessage(Duration.ofMillis(300)); // no renewal after the release
  }

  @Test
  void aReplacementNotHealthyInTimeKeepsItsPermitAndReportsTheHalt() throws IOException {
    ActorRef<Command> sup = runningWeb("{interval: 100ms}", SupervisorTiming.fast()
        .withStartTimeout(Duration.ofMillis(400)));

    app("1.1.0");
    listener.close(); // the new version never answers its health check
    sup.tell(new Ensure());
    Request ask = request(false);
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.GRANTED, null));

    List<Rollouts.Command> got = coordinator.fishForMessage(WAIT, c -> c instanceof Request r && r.halt() != null
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    Request halted = (Request) got.get(got.size() - 1);
    assertEquals(Rollouts.Kind.RENEW, halted.kind(), "the failed instance keeps its permit while it is down");
    assertEquals(ask.target(), halted.target());
    assertTrue(halted.halt().matches("web#1 on n1: not healthy within 400 ms of its start \\(last check: connect to"
        + " 127\\.0\\.0\\.1:\\d+: .*\\)"), halted.halt());
    awaitDetail(s -> s.state().equals("backoff"));
    assertTrue(request(true).halt() != null, "renewals carry the halt");
  }

  @Test
  void aWaitingInstanceToldTheRolloutStoppedSaysWhyAndRepeatsItToTheCoordinator() throws IOException {
    ActorRef<Command> sup = runningWeb();
    app("1.1.0");
    sup.tell(new Ensure());
    Request ask = request(false);
    String why = "web#2 on n2: exited with code 1 before it was healthy";
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.HALTED, why));

    InstanceStatus s = awaitDetail(x -> x.detail().startsWith("rollout"));
    assertEquals("rollout of web to 1.1.0 stopped: " + why + " (fix the app and commit)", s.detail());
    assertEquals("1.0.0", s.version());
    assertEquals(why, request(false).halt());
  }

  @Test
  void aDeletedDeploymentGivesItsPermitBack() throws IOException {
    ActorRef<Command> sup = runningWeb();
    app("1.1.0");
    sup.tell(new Ensure());
    Request ask = request(false);
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.GRANTED, null));
    awaitDetail(s -> "1.1.0".equals(s.version()) && s.state().equals("running"));

    h.fx.delete("deployments/web-1.yaml").load();
    sup.tell(new Ensure());

    coordinator.fishForMessage(WAIT, c -> c.equals(new Rollouts.Release("web", "web#1"))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    coordinator.expectTerminated(sup, WAIT);
    h.supervisors.remove(sup);
  }

  @Test
  void aChangeThatGoesAwayWhileWaitingStopsTheAsking() throws IOException {
    ActorRef<Command> sup = runningWeb();
    app("1.1.0");
    sup.tell(new Ensure());
    Request ask = request(false);

    app("1.0.0"); // reverted before any permit came
    sup.tell(new Ensure());
    InstanceStatus s = awaitDetail(x -> x.detail().startsWith("healthy"));
    assertEquals("running", s.state());
    drain(coordinator); // asks sent before the revert was handled
    coordinator.expectNoMessage(Duration.ofMillis(300)); // no more asking
    // a grant arriving late is handed back at once
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.GRANTED, null));
    assertEquals(new Rollouts.Release("web", "web#1"), coordinator.receiveMessage(WAIT));
  }

  @Test
  void anInstanceRestartedForBeingUnhealthyAsksNoPermitButReportsItselfDown() throws IOException {
    runningWeb("{interval: 50ms, restart-after: 300ms}");
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    listener.close(); // hangs: it was serving, but is not any more once unhealthy
    assertEquals("unhealthy", request(Rollouts.Kind.DOWN).state(), "reported as soon as it stops serving");
    awaitDetail(s -> s.state().equals("stopping") && s.detail().startsWith("stopping: unhealthy for 300ms: "));
    InstanceStatus again = awaitDetail(s -> s.state().equals("starting"));
    assertEquals(1, again.restarts());
    assertFalse(old.isRunning());
    List<Rollouts.Command> meanwhile = within(coordinator, Duration.ofMillis(300));
    assertFalse(meanwhile.isEmpty(), "the down report is renewed while it is down");
    assertTrue(meanwhile.stream().allMatch(c -> c instanceof Request r && r.kind() == Rollouts.Kind.DOWN),
        "neither asked nor released: " + meanwhile);
  }

  @Test
  void anInstanceWaitingForAPermitThatHangsIsRestartedOnTheNewVersionAndStopsAsking() throws IOException {
    ActorRef<Command> sup = runningWeb("{interval: 50ms, restart-after: 300ms}");
    app("1.1.0", "{interval: 50ms, restart-after: 300ms}");
    sup.tell(new Ensure());
    Request ask = request(false);
    ask.replyTo().tell(new Answer("web#1", ask.target(), Verdict.WAIT, "web#2 on n2 is being replaced"));

    listener.close(); // no Ensure comes meanwhile: the restart itself has to give up the asking
    InstanceStatus again = awaitDetail(s -> s.state().equals("starting"));
    assertEquals("1.1.0", again.version(), "not serving: it comes back on the new version without a permit");
    assertEquals(1, again.restarts());
    drain(coordinator); // asks sent before the restart
    List<Rollouts.Command> meanwhile = within(coordinator, Duration.ofMillis(300));
    assertTrue(meanwhile.stream().allMatch(c -> c instanceof Request r && r.kind() == Rollouts.Kind.DOWN
        && r.target().startsWith("1.1.0/")), "no more asking, only its down report: " + meanwhile);
  }

  @Test
  void aCrashLoopingInstanceMovesToANewVersionAtOnceWithoutAskingAndServesAfterItsDownReportIsReleased()
      throws IOException {
    ActorRef<Command> sup = runningWeb();
    h.driver.onStart(p -> p.exit(1)); // from now on every start of the app crashes
    h.driver.lastStarted().orElseThrow().exit(1);
    Request down = request(Rollouts.Kind.DOWN);
    assertEquals("backoff", down.state());
    assertTrue(down.target().startsWith("1.0.0/"), down.target());
    awaitDetail(s -> s.state().equals("backoff") && s.restarts() >= 2); // crash-looping on 1.0.0

    h.driver.onStart(p -> { }); // the fix
    app("1.1.0");
    sup.tell(new Ensure());
    List<Rollouts.Command> got = coordinator.fishForMessage(WAIT, c -> c instanceof Request r
        && r.target().startsWith("1.1.0/") ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertTrue(got.stream().allMatch(c -> c instanceof Request r && r.kind() == Rollouts.Kind.DOWN),
        "not serving: it never asks, it reports itself down for the new target: " + got);
    InstanceStatus fixed = awaitDetail(s -> s.state().equals("running") && "1.1.0".equals(s.version()));
    assertEquals("healthy, pid " + fixed.pid(), fixed.detail());
    serveAgain();
    coordinator.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aHaltedRolloutBringsAKilledOrRestartedInstanceBackOnTheVersionItRanUntilANewCommit() throws Exception {
    ActorRef<Command> sup = runningWeb();
    Halt stop = haltRolloutTo110(sup);
    Request ask = stop.ask();
    String why = stop.why();
    String halted = stop.detail();
    InMemoryProcess old = h.driver.lastStarted().orElseThrow();

    old.signal(glow.actors.process.Signal.KILL); // kill -9
    Request down = request(Rollouts.Kind.DOWN);
    assertEquals(ask.target(), down.target());
    assertEquals(why, down.halt(), "its down report keeps the halt remembered by the coordinator");
    InstanceStatus back = awaitDetail(s -> s.state().equals("running") && s.pid() != null && s.pid() != old.pid());
    assertEquals("1.0.0", back.version(), "back on the version it ran, not the halted one");
    assertEquals(1, back.restarts());
    assertEquals("healthy, pid " + back.pid() + "; kept on 1.0.0: " + halted, back.detail());
    serveAgain();
    // serving again: it asks for the repo's version at once and is told the rollout is still stopped
    Request again = request(false);
    assertEquals(ask.target(), again.target());
    assertEquals(why, again.halt());
    again.replyTo().tell(new Answer("web#1", again.target(), Verdict.HALTED, why));
    awaitDetail(s -> s.detail().equals(halted) && back.pid().equals(s.pid()));

    TestProbe<StatusReply<akka.Done>> restarted = testKit.createTestProbe();
    sup.tell(new InstanceSupervisor.Restart(restarted.ref())); // by hand: POST /api/instances/web%231/restart
    assertTrue(restarted.receiveMessage(WAIT).isSuccess());
    InstanceStatus byHand = awaitDetail(s -> s.state().equals("running") && !back.pid().equals(s.pid()));
    assertEquals("1.0.0", byHand.version());
    assertTrue(h.driver.started().stream().noneMatch(p -> "1.1.0".equals(p.spec().environment().get("GLOW_VERSION"))),
        "1.1.0 never started here");
    serveAgain();
    request(false).replyTo().tell(new Answer("web#1", ask.target(), Verdict.HALTED, why));

    app("1.2.0"); // a new commit lifts the halt: a new rollout, asked for like any
    sup.tell(new Ensure());
    Request fresh = askFor("1.2.0");
    assertNull(fresh.halt());
    fresh.replyTo().tell(new Answer("web#1", fresh.target(), Verdict.GRANTED, null));
    awaitDetail(s -> s.state().equals("running") && "1.2.0".equals(s.version()));
  }

  @Test
  void aJustStartedHealthyInstanceSettlesUnderItsDownReportBeforeItAsksToRoll() throws IOException {
    app("1.0.0");
    ActorRef<Command> sup = testKit.spawn(InstanceSupervisor.create("n1/web#1",
        h.fx.runtime(h.driver, h.registry.ref(), SupervisorTiming.fast(), coordinator.ref())));
    h.supervisors.add(sup);
    sup.tell(new Ensure());
    request(Rollouts.Kind.DOWN);
    awaitDetail(s -> s.state().equals("running") && "1.0.0".equals(s.version()));
    InMemoryProcess first = h.driver.lastStarted().orElseThrow();

    app("1.1.0"); // before its registration is confirmed: it serves traffic, but is not settled
    sup.tell(new Ensure());
    InstanceStatus s = awaitDetail(x -> x.detail().startsWith("waiting"));
    assertEquals("waiting to roll to 1.1.0: its own start settles first (registration and rollout-settle)",
        s.detail());
    assertTrue(first.isRunning(), "a healthy process is not taken down under a down report");
    List<Rollouts.Command> meanwhile = within(coordinator, Duration.ofMillis(300));
    assertTrue(meanwhile.stream().allMatch(c -> c instanceof Request r && r.kind() == Rollouts.Kind.DOWN),
        "no ask before it settled: " + meanwhile);

    serveAgain(); // released: now it asks like any serving instance
    Request ask = request(false);
    assertTrue(ask.target().startsWith("1.1.0/"), ask.target());
    assertTrue(first.isRunning());
  }

  @Test
  void aNodeRestartedWhileTheRolloutIsStoppedKeepsTheVersionItRanUntilANewCommit() throws Exception {
    ActorRef<Command> before = runningWeb();
    Halt stop = haltRolloutTo110(before);
    Request ask = stop.ask();
    String why = stop.why();
    String halted = stop.detail();
    Path file = h.fx.data.resolve("kept/web-1.json");
    h.events.awaitAssert(WAIT, () -> {
      assertTrue(java.nio.file.Files.exists(file), "the kept spec is written for a node restart");
      return null;
    });

    testKit.stop(before, WAIT); // the node goes down: its supervisor stops, its process with it
    h.supervisors.remove(before);
    drain(coordinator);
    assertTrue(h.driver.running().isEmpty());
    ActorRef<Command> after = testKit.spawn(InstanceSupervisor.create("n1/web#1",
        h.fx.runtime(h.driver, h.registry.ref(), SupervisorTiming.fast(), coordinator.ref())));
    h.supervisors.add(after);
    after.tell(new Ensure());

    Request down = request(Rollouts.Kind.DOWN);
    assertEquals(ask.target(), down.target());
    assertEquals(why, down.halt(), "the new supervisor repeats the halt it remembered");
    InstanceStatus back = awaitDetail(s -> s.state().equals("running"));
    assertEquals("1.0.0", back.version(), "back on the version it ran before the node restart");
    assertEquals("healthy, pid " + back.pid() + "; kept on 1.0.0: " + halted, back.detail());
    assertTrue(h.driver.started().stream().noneMatch(p -> "1.1.0".equals(p.spec().environment().get("GLOW_VERSION"))));
    serveAgain();
    request(false).replyTo().tell(new Answer("web#1", ask.target(), Verdict.HALTED, why));
    awaitDetail(s -> s.detail().equals(halted));

    app("1.2.0"); // the new commit lifts the halt, and the file goes
    after.tell(new Ensure());
    Request fresh = askFor("1.2.0");
    fresh.replyTo().tell(new Answer("web#1", fresh.target(), Verdict.GRANTED, null));
    awaitDetail(s -> s.state().equals("running") && "1.2.0".equals(s.version()));
    h.events.awaitAssert(WAIT, () -> {
      assertTrue(!java.nio.file.Files.exists(file), "the kept spec file is deleted");
      return null;
    });
  }
}
