package glow.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dev node forming a one-node cluster by joining itself, with a pinned sharded entity. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OneNodeShardingTest {
  static GlowNode node;
  static ActorTestKit testKit;
  static InstanceSupervisors<WhereAmI.Ask> supervisors;

  @BeforeAll
  static void start() throws Exception {
    node = GlowNode.start(TestNodes.settings("dev", null));
    testKit = ActorTestKit.create(node.system());
    supervisors = Sharding.initInstanceSupervisors(node.system(), WhereAmI.Ask.class,
        ctx -> WhereAmI.create(ctx.getEntityId(), "dev"), null);
    node.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void entityOfThisNodeStartsHereAndAnswers() {
    TestProbe<Nodes> nodes = testKit.createTestProbe();
    node.placement().subscribe(nodes.ref());
    nodes.fishForMessage(Duration.ofSeconds(5), n -> n.isUp("dev")
        ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());

    TestProbe<WhereAmI.Here> probe = testKit.createTestProbe();
    assertTrue(supervisors.tellIfUp("dev", "x#1", new WhereAmI.Ask(probe.ref())));
    assertEquals(new WhereAmI.Here("dev/x#1", "dev"), probe.receiveMessage(Duration.ofSeconds(5)));
  }

  @Test
  void refusesToSendToANodeThatIsNotInTheCluster() {
    TestProbe<WhereAmI.Here> probe = testKit.createTestProbe();
    assertFalse(supervisors.tellIfUp("n3", "x#1", new WhereAmI.Ask(probe.ref())));
    assertFalse(node.placement().isUp("n3"));
  }
}
