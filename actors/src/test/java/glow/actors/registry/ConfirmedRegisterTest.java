package glow.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import glow.actors.node.OneNodeCluster;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Register with a replyTo (what a supervisor under a rollout permit sends) is answered once written everywhere. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfirmedRegisterTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("dev");
  static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void aConfirmedRegisterIsAcknowledgedAndTheEndpointIsThere() {
    TestProbe<StatusReply<Done>> confirm = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Register("confirmed:8080", "127.0.0.1:7101", "dev", confirm.ref()));
    assertTrue(confirm.receiveMessage(WAIT).isSuccess());
    TestProbe<ServiceRegistry.All> all = cluster.testKit().createTestProbe();
    all.awaitAssert(WAIT, () -> {
      cluster.registry().tell(new ServiceRegistry.GetAll(all.ref()));
      assertEquals(Set.of(new Endpoint("127.0.0.1:7101", "dev")),
          all.receiveMessage(WAIT).services().get("confirmed:8080"));
      return null;
    });
  }

  @Test
  void aConfirmedRegisterOfABadEndpointIsAnsweredWithTheProblem() {
    TestProbe<StatusReply<Done>> confirm = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Register("confirmed:8080", "nowhere", "dev", confirm.ref()));
    StatusReply<Done> reply = confirm.receiveMessage(WAIT);
    assertTrue(reply.isError());
    assertEquals("register ignored: endpoint \"nowhere\" is not host:port", reply.getError().getMessage());
  }

  @Test
  void registerWithAndWithoutReplyToSurvivesTheCborSerializer() {
    SerializationTestKit ser = new SerializationTestKit(cluster.testKit().system());
    TestProbe<StatusReply<Done>> confirm = cluster.testKit().createTestProbe();
    ser.verifySerialization(new ServiceRegistry.Register("a:1", "127.0.0.1:1", "dev", confirm.ref()), true);
    ser.verifySerialization(new ServiceRegistry.Register("a:1", "127.0.0.1:1", "dev"), true);
  }
}
