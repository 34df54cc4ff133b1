package glow.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in one JVM (two actor systems on 127.0.0.1): entities run on the node their id names,
 * whichever node sends, and Placement notices a node leaving. The coordinator runs on n1 (oldest).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeShardingTest {
  static GlowNode n1;
  static GlowNode n2;
  static ActorTestKit testKit1;
  static ActorTestKit testKit2;
  static InstanceSupervisors<WhereAmI.Ask> on1;
  static InstanceSupervisors<WhereAmI.Ask> on2;
  static TestProbe<WhereAmI.Here> early;

  @BeforeAll
  static void start() throws Exception {
    n1 = GlowNode.start(TestNodes.settings("n1", null));
    testKit1 = ActorTestKit.create(n1.system());
    on1 = Sharding.initInstanceSupervisors(n1.system(), WhereAmI.Ask.class,
        ctx -> WhereAmI.create(ctx.getEntityId(), "n1"), null);
    n1.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Sent against the rule (no Up check) while n2 is absent: it must wait, not run on n1.
    early = testKit1.createTestProbe();
    on1.entityRef("n2", "early#1").tell(new WhereAmI.Ask(early.ref()));
    early.expectNoMessage(Duration.ofMillis(500));

    n2 = GlowNode.start(TestNodes.settings("n2", TestNodes.address(n1)));
    testKit2 = ActorTestKit.create(n2.system());
    on2 = Sharding.initInstanceSupervisors(n2.system(), WhereAmI.Ask.class,
        ctx -> WhereAmI.create(ctx.getEntityId(), "n2"), null);
    n2.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TestProbe<Void> waiter = testKit1.createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(Set.of("n1", "n2"), n1.placement().nodes().up());
      assertEquals(Set.of("n1", "n2"), n2.placement().nodes().up());
      return null;
    });
  }

  @AfterAll
  static void stop() {
    testKit2.shutdownTestKit();
    testKit1.shutdownTestKit();
  }

  @Test
  @Order(0)
  void messageForAnAbsentNodeWaitsAndIsDeliveredOnThatNodeOnceItJoins() {
    assertEquals(new WhereAmI.Here("n2/early#1", "n2"), early.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  @Order(1)
  void entityNamedForN2RunsOnN2WhenN1Sends() {
    TestProbe<WhereAmI.Here> probe = testKit1.createTestProbe();
    assertTrue(on1.tellIfUp("n2", "web#1", new WhereAmI.Ask(probe.ref())));
    assertEquals(new WhereAmI.Here("n2/web#1", "n2"), probe.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  @Order(2)
  void entityNamedForN1RunsOnN1WhenN2Sends() {
    TestProbe<WhereAmI.Here> probe = testKit2.createTestProbe();
    assertTrue(on2.tellIfUp("n1", "api#3", new WhereAmI.Ask(probe.ref())));
    assertEquals(new WhereAmI.Here("n1/api#3", "n1"), probe.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  @Order(3)
  void eachNodeKeepsItsOwnEntitiesWhenBothSend() {
    TestProbe<WhereAmI.Here> probe1 = testKit1.createTestProbe();
    TestProbe<WhereAmI.Here> probe2 = testKit2.createTestProbe();
    for (int i = 1; i <= 5; i++) {
      on1.tellIfUp("n1", "db#" + i, new WhereAmI.Ask(probe1.ref()));
      on2.tellIfUp("n2", "db#" + i, new WhereAmI.Ask(probe2.ref()));
    }
    for (int i = 1; i <= 5; i++) {
      assertEquals("n1", probe1.receiveMessage(Duration.ofSeconds(10)).node());
      assertEquals("n2", probe2.receiveMessage(Duration.ofSeconds(10)).node());
    }
  }

  @Test
  @Order(4)
  void placementReportsN2AbsentAfterItLeaves() throws Exception {
    TestProbe<Nodes> nodes = testKit1.createTestProbe();
    n1.placement().subscribe(nodes.ref());
    assertTrue(nodes.receiveMessage().isUp("n2"));

    n2.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);

    nodes.fishForMessage(Duration.ofSeconds(10), n -> n.up().equals(Set.of("n1"))
        ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    assertFalse(n1.placement().isUp("n2"));
    TestProbe<WhereAmI.Here> probe = testKit1.createTestProbe();
    assertFalse(on1.tellIfUp("n2", "web#1", new WhereAmI.Ask(probe.ref())));
    probe.expectNoMessage(Duration.ofMillis(300));
  }
}
