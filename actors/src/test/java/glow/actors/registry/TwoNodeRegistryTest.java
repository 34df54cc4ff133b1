package glow.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import glow.actors.registry.ServiceRegistry.Endpoints;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two nodes in one JVM: what n2 registers reaches n1, and vanishes from n1 when n2 leaves. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoNodeRegistryTest {
  static GlowNode n1;
  static GlowNode n2;
  static ActorTestKit testKit1;
  static ActorTestKit testKit2;

  @BeforeAll
  static void start() throws Exception {
    n1 = GlowNode.start(TestNodes.settings("n1", null));
    testKit1 = ActorTestKit.create(n1.system());
    n1.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
    n2 = GlowNode.start(TestNodes.settings("n2", TestNodes.address(n1)));
    testKit2 = ActorTestKit.create(n2.system());
    n2.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit2.shutdownTestKit();
    testKit1.shutdownTestKit();
  }

  @Test
  void endpointsOfANodeAppearElsewhereAndVanishWithinFiveSecondsOfItLeaving() throws Exception {
    TestProbe<Endpoints> onN1 = testKit1.createTestProbe();
    n1.registry().tell(new ServiceRegistry.Subscribe("billing:8080", onN1.ref()));
    assertEquals(Set.of(), onN1.receiveMessage(Duration.ofSeconds(5)).endpoints());

    n1.registry().tell(new ServiceRegistry.Register("billing:8080", "127.0.0.1:7001", "n1"));
    n2.registry().tell(new ServiceRegistry.Register("billing:8080", "127.0.0.2:7001", "n2"));
    Set<Endpoint> both = Set.of(new Endpoint("127.0.0.1:7001", "n1"), new Endpoint("127.0.0.2:7001", "n2"));
    onN1.fishForMessage(Duration.ofSeconds(5), e -> e.endpoints().equals(both)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());

    long leaving = System.nanoTime();
    n2.stop(); // graceful leave; its entries go as soon as n1 sees it removed
    onN1.fishForMessage(Duration.ofSeconds(5), e -> e.endpoints().equals(Set.of(new Endpoint("127.0.0.1:7001", "n1")))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    long millis = (System.nanoTime() - leaving) / 1_000_000;
    System.out.println("n2's endpoints vanished from n1 " + millis + " ms after n2 started leaving");
    assertTrue(millis < 5000);
  }
}
