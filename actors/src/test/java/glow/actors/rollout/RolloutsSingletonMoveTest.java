package glow.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import glow.actors.rollout.Rollouts.Answer;
import glow.actors.rollout.Rollouts.Request;
import glow.actors.rollout.Rollouts.Verdict;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator as a real cluster singleton on two nodes in one JVM: its node (the oldest) leaves,
 * the singleton starts afresh on the other node, and a permit taken before the move is still the
 * only one out while its holder keeps renewing through the singleton proxy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RolloutsSingletonMoveTest {
  static final Duration LEASE = Duration.ofMillis(500);
  static final Duration RENEW = Duration.ofMillis(100);
  /** The new coordinator's quiet start: the lease plus the proxies' identification interval (1 s). */
  static final Duration QUIET = LEASE.plusSeconds(1);
  static GlowNode n1;
  static GlowNode n2;
  static ActorTestKit testKit2;
  static ActorRef<Rollouts.Command> proxy1;
  static ActorRef<Rollouts.Command> proxy2;

  @BeforeAll
  static void start() throws Exception {
    n1 = GlowNode.start(TestNodes.settings("n1", null));
    n1.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    proxy1 = Rollouts.init(n1.system(), LEASE);
    n2 = GlowNode.start(TestNodes.settings("n2", TestNodes.address(n1)));
    n2.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    proxy2 = Rollouts.init(n2.system(), LEASE);
    testKit2 = ActorTestKit.create(n2.system());
  }

  @AfterAll
  static void stop() throws Exception {
    testKit2.shutdownTestKit();
    n1.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static Request ask(String instance, boolean holding, ActorRef<Answer> replyTo) {
    return new Request("greeter", instance, "n2", "1.1.0/a", "1.1.0", 1,
        holding ? Rollouts.Kind.RENEW : Rollouts.Kind.ASK, null, null, replyTo);
  }

  @Test
  void aPermitTakenBeforeTheSingletonMovedIsStillTheOnlyOneOut() throws Exception {
    TestProbe<Answer> holder = testKit2.createTestProbe();
    TestProbe<Answer> waiter = testKit2.createTestProbe();
    // through n2's proxy, to the coordinator on n1 (the oldest); it first sits out one lease period
    holder.awaitAssert(Duration.ofSeconds(10), () -> {
      proxy2.tell(ask("greeter#1", false, holder.ref()));
      assertEquals(Verdict.GRANTED, holder.receiveMessage(Duration.ofSeconds(2)).verdict());
      return null;
    });
    proxy2.tell(ask("greeter#2", false, waiter.ref()));
    assertEquals(Verdict.WAIT, waiter.receiveMessage(Duration.ofSeconds(2)).verdict());

    n1.stop(); // the coordinator's node leaves: the singleton starts again on n2, with no state
    // bounded: 20 s of renewing every RENEW while greeter#2 asks; the move is over once the
    // coordinator answers "just started", and a lease period after that it must still say wait
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long movedAt = 0;
    int afterMove = 0;
    while (System.nanoTime() < deadline && afterMove < 10) {
      proxy2.tell(ask("greeter#1", true, holder.ref()));
      proxy2.tell(ask("greeter#2", false, waiter.ref()));
      Answer w = waiter.receiveMessage(Duration.ofSeconds(10)); // buffered by the proxy during the move
      assertNotEquals(Verdict.GRANTED, w.verdict(), "a second permit was granted: " + w);
      if (movedAt == 0 && w.reason().startsWith("the rollout coordinator has just started")) movedAt = System.nanoTime();
      if (movedAt != 0 && System.nanoTime() - movedAt > QUIET.toNanos()) afterMove++;
      holder.receiveMessage(Duration.ofSeconds(10));
      waiter.expectNoMessage(RENEW); // the renew interval
    }
    assertNotEquals(0, movedAt, "the coordinator never restarted on n2");
    assertEquals(10, afterMove);
    proxy2.tell(ask("greeter#2", false, waiter.ref()));
    assertEquals("greeter#1 on n2 is being replaced", waiter.receiveMessage(Duration.ofSeconds(2)).reason());

    proxy2.tell(new Rollouts.Release("greeter", "greeter#1"));
    proxy2.tell(ask("greeter#2", false, waiter.ref()));
    assertEquals(Verdict.GRANTED, waiter.receiveMessage(Duration.ofSeconds(2)).verdict());
  }
}
