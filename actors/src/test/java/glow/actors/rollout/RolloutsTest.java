package glow.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import glow.actors.rollout.Rollouts.Answer;
import glow.actors.rollout.Rollouts.Release;
import glow.actors.rollout.Rollouts.Request;
import glow.actors.rollout.Rollouts.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coordinator alone, spawned as a plain actor (a singleton is the same behavior), probes as supervisors. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RolloutsTest {
  // the coordinator's quiet start is the lease plus the proxies' identification interval: keep it short
  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
      "akka.cluster.singleton-proxy.singleton-identification-interval = 100ms").withFallback(ConfigFactory.load()));
  static final Duration LEASE = Duration.ofMillis(400);
  static final Duration WAIT = Duration.ofSeconds(3);

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  static Request ask(String instance, String target, int max, boolean holding, String halt, ActorRef<Answer> to) {
    return new Request("greeter", instance, "n1", target, target.substring(0, target.indexOf('/')), max,
        holding ? Rollouts.Kind.RENEW : Rollouts.Kind.ASK, null, halt, to);
  }

  /** A coordinator past its quiet start (it grants nothing while it learns). */
  ActorRef<Rollouts.Command> readyCoordinator() {
    ActorRef<Rollouts.Command> c = testKit.spawn(Rollouts.create(LEASE));
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    state.awaitAssert(WAIT, () -> {
      c.tell(new Rollouts.GetState(state.ref()));
      assertTrue(!state.receiveMessage(WAIT).learning());
      return null;
    });
    return c;
  }

  Answer answer(ActorRef<Rollouts.Command> c, Request r, TestProbe<Answer> p) {
    c.tell(r);
    return p.receiveMessage(WAIT);
  }

  @Test
  void grantsAtMostMaxUnavailablePerAppAndTheNextOneAfterARelease() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> p1 = testKit.createTestProbe();
    TestProbe<Answer> p2 = testKit.createTestProbe();
    TestProbe<Answer> p3 = testKit.createTestProbe();
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 2, false, null, p1.ref()), p1).verdict());
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#2", "1.1.0/a", 2, false, null, p2.ref()), p2).verdict());
    Answer third = answer(c, ask("greeter#3", "1.1.0/a", 2, false, null, p3.ref()), p3);
    assertEquals(new Answer("greeter#3", "1.1.0/a", Verdict.WAIT,
        "greeter#1 on n1 and greeter#2 on n1 are being replaced"), third);
    // another app has its own budget
    TestProbe<Answer> other = testKit.createTestProbe();
    c.tell(new Request("billing", "billing#1", "n2", "2.0.0/b", "2.0.0", 1, Rollouts.Kind.ASK, null, null,
        other.ref()));
    assertEquals(Verdict.GRANTED, other.receiveMessage(WAIT).verdict());

    c.tell(new Release("greeter", "greeter#1"));
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#3", "1.1.0/a", 2, false, null, p3.ref()), p3).verdict());
    // the holder asking again (its answer was lost) still holds: no second permit counted
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#3", "1.1.0/a", 2, false, null, p3.ref()), p3).verdict());
    assertEquals(Verdict.WAIT, answer(c, ask("greeter#1", "1.1.0/a", 2, false, null, p1.ref()), p1).verdict());
  }

  static Request down(String instance, String target, int max, String state, String halt) {
    return new Request("greeter", instance, "n1", target, target.substring(0, target.indexOf('/')), max,
        Rollouts.Kind.DOWN, state, halt, null);
  }

  @Test
  void instancesReportedDownCountAgainstMaxUnavailableAndTheAskSaysWhichAndWhy() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> p1 = testKit.createTestProbe();
    TestProbe<Answer> p2 = testKit.createTestProbe();
    c.tell(down("greeter#3", "1.0.0/z", 1, "backoff", null)); // crash-looping before any rollout: never answered
    assertEquals(new Answer("greeter#1", "1.1.0/a", Verdict.WAIT, "greeter#3 on n1 (backoff) is not serving"),
        answer(c, ask("greeter#1", "1.1.0/a", 1, false, null, p1.ref()), p1));
    // a renewal updates the state; with max-unavailable 2 one serving instance may go
    c.tell(down("greeter#3", "1.1.0/a", 2, "starting", null));
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 2, false, null, p1.ref()), p1).verdict());
    assertEquals(new Answer("greeter#2", "1.1.0/a", Verdict.WAIT,
        "greeter#1 on n1 is being replaced; greeter#3 on n1 (starting) is not serving"),
        answer(c, ask("greeter#2", "1.1.0/a", 2, false, null, p2.ref()), p2));
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    c.tell(new Rollouts.GetState(state.ref()));
    Rollouts.State seen = state.receiveMessage(WAIT);
    assertEquals(List.of(new Rollouts.AppRollout("greeter", List.of("greeter#1 on n1 (to 1.1.0)"), Map.of())),
        seen.apps());
    assertEquals(Map.of("greeter", List.of("greeter#3 on n1 (starting)")), seen.down());

    c.tell(new Release("greeter", "greeter#3")); // it serves again
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#2", "1.1.0/a", 2, false, null, p2.ref()), p2).verdict());
    p1.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aDownReportIsNeverRefusedEvenWhenItGoesBeyondMaxUnavailable() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> holder = testKit.createTestProbe();
    TestProbe<Answer> waiter = testKit.createTestProbe();
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 1, false, null, holder.ref()), holder)
        .verdict());
    c.tell(down("greeter#2", "1.1.0/a", 1, "backoff", null)); // crashed meanwhile: nobody asks a crash first
    c.tell(new Release("greeter", "greeter#1"));
    assertEquals("greeter#2 on n1 (backoff) is not serving",
        answer(c, ask("greeter#3", "1.1.0/a", 1, false, null, waiter.ref()), waiter).reason());
    // an ask from an instance with a down report still held means it serves: its stale report goes
    TestProbe<Answer> back = testKit.createTestProbe();
    Answer own = answer(c, ask("greeter#2", "1.1.0/a", 1, false, null, back.ref()), back);
    assertEquals(Verdict.GRANTED, own.verdict(), own.toString());
  }

  @Test
  void aDownReportExpiresWhenNotRenewedAndANewCoordinatorLearnsItFromRenewals() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> waiter = testKit.createTestProbe();
    c.tell(down("greeter#3", "1.1.0/a", 1, "failed", null)); // its node dies: no renewal
    assertEquals(Verdict.WAIT, answer(c, ask("greeter#1", "1.1.0/a", 1, false, null, waiter.ref()), waiter).verdict());
    waiter.awaitAssert(WAIT, () -> {
      assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 1, false, null, waiter.ref()), waiter)
          .verdict());
      return null;
    });

    ActorRef<Rollouts.Command> fresh = testKit.spawn(Rollouts.create(LEASE));
    TestProbe<Answer> asker = testKit.createTestProbe();
    // renewed every 100 ms from the start: past the quiet start it still counts
    long until = System.nanoTime() + LEASE.multipliedBy(3).toNanos();
    while (System.nanoTime() < until) {
      fresh.tell(down("greeter#3", "1.1.0/a", 1, "backoff", null));
      asker.expectNoMessage(Duration.ofMillis(100));
    }
    fresh.tell(down("greeter#3", "1.1.0/a", 1, "backoff", null));
    assertEquals("greeter#3 on n1 (backoff) is not serving",
        answer(fresh, ask("greeter#2", "1.1.0/a", 1, false, null, asker.ref()), asker).reason());
  }

  @Test
  void aHaltRepeatedInADownReportIsRememberedAndAnAppOnlyDownIsNotListedAsRolling() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    c.tell(down("greeter#3", "1.0.0/z", 1, "backoff", null));
    c.tell(new Rollouts.GetState(state.ref()));
    Rollouts.State seen = state.receiveMessage(WAIT);
    assertEquals(List.of(), seen.apps(), "a crash with nothing to roll is not a rollout");
    assertEquals(Map.of("greeter", List.of("greeter#3 on n1 (backoff)")), seen.down());

    String why = "greeter#1 on n2: exited with code 1 before it was healthy";
    c.tell(down("greeter#2", "1.1.0/a", 1, "backoff", why)); // kept on its old version for that halt
    TestProbe<Answer> p = testKit.createTestProbe();
    assertEquals(new Answer("greeter#4", "1.1.0/a", Verdict.HALTED, why),
        answer(c, ask("greeter#4", "1.1.0/a", 1, false, null, p.ref()), p));
  }

  @Test
  void aNewCoordinatorGrantsNothingUntilItHeardTheRenewalsSoNoSecondPermitIsOut() {
    ActorRef<Rollouts.Command> first = readyCoordinator();
    TestProbe<Answer> holder = testKit.createTestProbe();
    TestProbe<Answer> waiter = testKit.createTestProbe();
    assertEquals(Verdict.GRANTED, answer(first, ask("greeter#1", "1.1.0/a", 1, false, null, holder.ref()), holder)
        .verdict());
    testKit.stop(first); // its node crashed: the state is gone

    ActorRef<Rollouts.Command> second = testKit.spawn(Rollouts.create(LEASE));
    Answer early = answer(second, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter);
    assertEquals(Verdict.WAIT, early.verdict());
    assertEquals("the rollout coordinator has just started and first hears which instances are down or being"
        + " replaced (500 ms)",
        early.reason());
    // the holder renews as it always does; the new coordinator learns its permit from that
    assertEquals(Verdict.GRANTED, answer(second, ask("greeter#1", "1.1.0/a", 1, true, null, holder.ref()), holder)
        .verdict());
    // past the quiet period, keep renewing every 100 ms while greeter#2 asks: never granted
    long until = System.nanoTime() + LEASE.multipliedBy(3).toNanos(); // quiet start + one lease
    while (System.nanoTime() < until) {
      assertEquals(Verdict.GRANTED, answer(second, ask("greeter#1", "1.1.0/a", 1, true, null, holder.ref()), holder)
          .verdict());
      Answer a = answer(second, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter);
      assertTrue(a.verdict() == Verdict.WAIT, a.toString());
      waiter.expectNoMessage(Duration.ofMillis(100)); // the renew interval
    }
    assertEquals("greeter#1 on n1 is being replaced",
        answer(second, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter).reason());
    second.tell(new Release("greeter", "greeter#1"));
    assertEquals(Verdict.GRANTED, answer(second, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter)
        .verdict());
  }

  @Test
  void aPermitNotRenewedExpiresAndTheNextInstanceMayGo() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> dead = testKit.createTestProbe();
    TestProbe<Answer> waiter = testKit.createTestProbe();
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 1, false, null, dead.ref()), dead).verdict());
    assertEquals(Verdict.WAIT, answer(c, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter).verdict());
    waiter.awaitAssert(WAIT, () -> {
      assertEquals(Verdict.GRANTED, answer(c, ask("greeter#2", "1.1.0/a", 1, false, null, waiter.ref()), waiter)
          .verdict());
      return null;
    });
  }

  @Test
  void aFailedReplacementHaltsItsTargetWithTheReasonAndANewTargetRollsAgain() {
    ActorRef<Rollouts.Command> c = readyCoordinator();
    TestProbe<Answer> failed = testKit.createTestProbe();
    TestProbe<Answer> other = testKit.createTestProbe();
    String why = "greeter#1 on n1: not healthy within 1.0 s of its start";
    answer(c, ask("greeter#1", "1.1.0/a", 2, false, null, failed.ref()), failed);
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.1.0/a", 2, true, why, failed.ref()), failed)
        .verdict());

    // max-unavailable 2 would allow a second, but the target is halted
    assertEquals(new Answer("greeter#2", "1.1.0/a", Verdict.HALTED, why),
        answer(c, ask("greeter#2", "1.1.0/a", 2, false, null, other.ref()), other));
    TestProbe<Rollouts.State> state = testKit.createTestProbe();
    c.tell(new Rollouts.GetState(state.ref()));
    assertEquals(List.of(new Rollouts.AppRollout("greeter", List.of("greeter#1 on n1 (to 1.1.0)"),
        Map.of("1.1.0/a", why))), state.receiveMessage(WAIT).apps());

    // a fixing commit: the failed instance carries its permit to the new target; the others may follow
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#1", "1.2.0/b", 2, true, null, failed.ref()), failed)
        .verdict());
    assertEquals(Verdict.GRANTED, answer(c, ask("greeter#2", "1.2.0/b", 2, false, null, other.ref()), other)
        .verdict());
  }

  @Test
  void aNewCoordinatorRelearnsAHaltFromAWaitingInstance() {
    ActorRef<Rollouts.Command> c = testKit.spawn(Rollouts.create(LEASE));
    TestProbe<Answer> waiting = testKit.createTestProbe();
    String why = "greeter#1 on n3: exited with code 1 before it was healthy";
    // greeter#1's node died with the old coordinator; greeter#2 repeats the halt it was told about
    assertEquals(new Answer("greeter#2", "1.1.0/a", Verdict.HALTED, why),
        answer(c, ask("greeter#2", "1.1.0/a", 1, false, why, waiting.ref()), waiting));
    TestProbe<Answer> third = testKit.createTestProbe();
    assertEquals(Verdict.HALTED, answer(c, ask("greeter#3", "1.1.0/a", 1, false, null, third.ref()), third)
        .verdict());
  }

  @Test
  void messagesSurviveTheCborSerializer() {
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    TestProbe<Answer> p = testKit.createTestProbe();
    TestProbe<Rollouts.State> s = testKit.createTestProbe();
    ser.verifySerialization(ask("greeter#1", "1.1.0/a", 1, true, "why", p.ref()), true);
    ser.verifySerialization(ask("greeter#1", "1.1.0/a", 1, false, null, p.ref()), true);
    ser.verifySerialization(new Release("greeter", "greeter#1"), true);
    ser.verifySerialization(new Rollouts.GetState(s.ref()), true);
    ser.verifySerialization(new Answer("greeter#1", "1.1.0/a", Verdict.HALTED, "why"), true);
    ser.verifySerialization(new Rollouts.State(false, List.of(new Rollouts.AppRollout("greeter",
        List.of("greeter#1 on n1 (to 1.1.0)"), Map.of("1.1.0/a", "why"))), Map.of("greeter",
        List.of("greeter#3 on n2 (backoff)"))), true);
    ser.verifySerialization(down("greeter#3", "1.1.0/a", 1, "backoff", "why"), true);
  }
}
