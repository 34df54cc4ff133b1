package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starting a node: the extension point for features, and what a failing feature does to start. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GlowNodeTest {
  @Test
  void extrasSpawnTheirActorsInTheGuardianAndSeeTheNode() throws Exception {
    AtomicReference<ActorRef<ActorRef<String>>> spawned = new AtomicReference<>();
    GlowNode node = GlowNode.start(TestNodes.settings("dev", null), (ctx, n) ->
        spawned.set(ctx.spawn(Behaviors.<ActorRef<String>>receiveMessage(replyTo -> {
          replyTo.tell("hello from " + n.settings().name() + " " + n.registry().path().name());
          return Behaviors.same();
        }), "greeter")));
    ActorTestKit testKit = ActorTestKit.create(node.system());
    try {
      node.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(node.cluster().selfMember().hasRole("glow-node:dev"));
      TestProbe<String> probe = testKit.createTestProbe();
      spawned.get().tell(probe.ref());
      assertEquals("hello from dev service-registry", probe.receiveMessage(Duration.ofSeconds(5)));
    } finally {
      testKit.shutdownTestKit();
    }
  }

  @Test
  void failingExtrasFailStartWithTheirCause() {
    var e = assertThrows(IllegalStateException.class, () -> GlowNode.start(TestNodes.settings("dev", null),
        (ctx, n) -> { throw new IllegalArgumentException("repo sync: no repo configured"); }));
    assertEquals("node dev did not start: java.lang.IllegalArgumentException: repo sync: no repo configured",
        e.getMessage());
  }
}
