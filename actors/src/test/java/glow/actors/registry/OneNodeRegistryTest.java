package glow.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.TestProbe;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry.Endpoints;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry of a one-node cluster: register, subscribe, deregister, externals, GetAll. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OneNodeRegistryTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("dev");
  static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void subscriberGetsCurrentSetThenEveryChange() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("billing:8080", sub.ref()));
    assertEquals(new Endpoints("billing:8080", Set.of()), sub.receiveMessage(WAIT));

    cluster.registry().tell(new ServiceRegistry.Register("billing:8080", "127.0.0.1:7001", "dev"));
    assertEquals(Set.of(new Endpoint("127.0.0.1:7001", "dev")), sub.receiveMessage(WAIT).endpoints());

    cluster.registry().tell(new ServiceRegistry.Register("billing:8080", "127.0.0.1:7002", "dev"));
    assertEquals(Set.of(new Endpoint("127.0.0.1:7001", "dev"), new Endpoint("127.0.0.1:7002", "dev")),
        sub.receiveMessage(WAIT).endpoints());

    cluster.registry().tell(new ServiceRegistry.Deregister("billing:8080", "127.0.0.1:7001", "dev"));
    assertEquals(Set.of(new Endpoint("127.0.0.1:7002", "dev")), sub.receiveMessage(WAIT).endpoints());

    // a late subscriber starts from the current set
    TestProbe<Endpoints> late = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("billing:8080", late.ref()));
    assertEquals(Set.of(new Endpoint("127.0.0.1:7002", "dev")), late.receiveMessage(WAIT).endpoints());

    cluster.registry().tell(new ServiceRegistry.Deregister("billing:8080", "127.0.0.1:7002", "dev"));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
  }

  @Test
  void changesToOtherServicesDoNotReachASubscriber() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("quiet:1", sub.ref()));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Register("noisy:1", "127.0.0.1:7101", "dev"));
    sub.expectNoMessage(Duration.ofMillis(500));
    cluster.registry().tell(new ServiceRegistry.Deregister("noisy:1", "127.0.0.1:7101", "dev"));
  }

  @Test
  void unsubscribedActorHearsNoMore() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    TestProbe<Endpoints> stays = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("cache:6379", sub.ref()));
    cluster.registry().tell(new ServiceRegistry.Subscribe("cache:6379", stays.ref()));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
    assertEquals(Set.of(), stays.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Unsubscribe("cache:6379", sub.ref()));
    cluster.registry().tell(new ServiceRegistry.Unsubscribe("never-subscribed:1", sub.ref()));
    cluster.registry().tell(new ServiceRegistry.Register("cache:6379", "127.0.0.1:6380", "dev"));
    // the other subscriber still hears: the registry kept its state through both unsubscribes
    assertEquals(Set.of(new Endpoint("127.0.0.1:6380", "dev")), stays.receiveMessage(WAIT).endpoints());
    sub.expectNoMessage(Duration.ofMillis(300));
    cluster.registry().tell(new ServiceRegistry.Deregister("cache:6379", "127.0.0.1:6380", "dev"));
  }

  @Test
  void malformedRegistrationIsIgnoredAndTheNextGoodOneStillLands() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("pg:5432", sub.ref()));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Register("pg:5432", "no-port", "dev"));
    cluster.registry().tell(new ServiceRegistry.Register("pg:5432", "127.0.0.1:99999", "dev"));
    cluster.registry().tell(new ServiceRegistry.Register("pg:5432", "127.0.0.1:5433", "dev"));
    assertEquals(Set.of(new Endpoint("127.0.0.1:5433", "dev")), sub.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Deregister("pg:5432", "127.0.0.1:5433", "dev"));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
  }

  @Test
  void externalsAreReplacedWholeBySnapshotAndLeaveNodeEntriesAlone() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("mail:25", sub.ref()));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Register("mail:25", "127.0.0.1:2525", "dev"));
    assertEquals(1, sub.receiveMessage(WAIT).endpoints().size());

    cluster.registry().tell(new ServiceRegistry.SetExternals(Map.of("mail:25", Set.of("10.0.0.1:25", "10.0.0.2:25"))));
    assertEquals(Set.of(new Endpoint("127.0.0.1:2525", "dev"), new Endpoint("10.0.0.1:25", "external"),
        new Endpoint("10.0.0.2:25", "external")), sub.receiveMessage(WAIT).endpoints());

    cluster.registry().tell(new ServiceRegistry.SetExternals(Map.of("mail:25", Set.of("10.0.0.2:25"))));
    assertEquals(Set.of(new Endpoint("127.0.0.1:2525", "dev"), new Endpoint("10.0.0.2:25", "external")),
        sub.receiveMessage(WAIT).endpoints());

    cluster.registry().tell(new ServiceRegistry.SetExternals(Map.of()));
    assertEquals(Set.of(new Endpoint("127.0.0.1:2525", "dev")), sub.receiveMessage(WAIT).endpoints());
    cluster.registry().tell(new ServiceRegistry.Deregister("mail:25", "127.0.0.1:2525", "dev"));
    assertEquals(Set.of(), sub.receiveMessage(WAIT).endpoints());
  }

  @Test
  void getAllListsEveryServiceWithEndpoints() {
    TestProbe<Endpoints> sub = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.Subscribe("web:80", sub.ref()));
    sub.receiveMessage(WAIT);
    cluster.registry().tell(new ServiceRegistry.Register("web:80", "127.0.0.1:8081", "dev"));
    sub.receiveMessage(WAIT); // now replicated locally

    TestProbe<ServiceRegistry.All> all = cluster.testKit().createTestProbe();
    cluster.registry().tell(new ServiceRegistry.GetAll(all.ref()));
    assertEquals(Set.of(new Endpoint("127.0.0.1:8081", "dev")), all.receiveMessage(WAIT).services().get("web:80"));
    cluster.registry().tell(new ServiceRegistry.Deregister("web:80", "127.0.0.1:8081", "dev"));
    sub.receiveMessage(WAIT);
    cluster.registry().tell(new ServiceRegistry.GetAll(all.ref()));
    assertEquals(null, all.receiveMessage(WAIT).services().get("web:80"));
  }
}
