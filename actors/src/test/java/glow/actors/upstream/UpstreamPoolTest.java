package glow.actors.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.listener.ListenerSpec;
import glow.actors.listener.ListenerStatus;
import glow.actors.listener.ListenersSettings;
import glow.actors.listener.LoopbackClient;
import glow.actors.listener.NamedBackend;
import glow.actors.listener.ProxyListener;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry;
import glow.conf.snapshot.ServiceKey;
import glow.conf.spec.Protocol;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An UpstreamPool following the real registry of a one-node cluster, behind a real ProxyListener on
 * a loopback port: clients reach what the registry lists, and only that.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamPoolTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");
  static final Duration WAIT = Duration.ofSeconds(10);

  /** A pool for {@code service} behind a listener on a free loopback port; returns the port. */
  private static int listen(String service, Upstream upstream) throws Exception {
    ServiceKey key = ServiceKey.parse(service);
    cluster.testKit().spawn(UpstreamPool.create(key, upstream, cluster.registry()));
    int port = LoopbackClient.freePort();
    ListenerSpec spec = new ListenerSpec(port, key, null, Protocol.TCP, upstream.settings());
    ActorRef<ProxyListener.Command> listener =
        cluster.testKit().spawn(ProxyListener.create(spec, List.of("web:1#1"), upstream, null, ListenersSettings.defaults()));
    TestProbe<ListenerStatus> probe = cluster.testKit().createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      listener.tell(new ProxyListener.GetStatus(probe.ref()));
      assertEquals("127.0.0.1:" + port, probe.receiveMessage().boundAddress());
      return null;
    });
    return port;
  }

  private static void awaitAvailable(Upstream upstream, int n) {
    cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(n, upstream.pool().available().size(), upstream.toString());
      return null;
    });
  }

  private static Map<String, Integer> spread(int port, int connections) throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < connections; i++) seen.merge(String.valueOf(LoopbackClient.hello(port)), 1, Integer::sum);
    return seen;
  }

  @Test
  void registeredEndpointsAreBalancedAndADeregisteredOneGetsNoNewConnection() throws Exception {
    try (NamedBackend a = NamedBackend.start("a"); NamedBackend b = NamedBackend.start("b")) {
      Upstream billing = new Upstream("billing:8080", UpstreamSettings.defaults());
      int port = listen("billing:8080", billing);
      cluster.registry().tell(new ServiceRegistry.Register("billing:8080", a.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("billing:8080", b.hostPort(), "n2"));
      awaitAvailable(billing, 2);
      assertEquals(Set.of("n1", "n2"), Set.copyOf(billing.pool().all().stream().map(s -> s.endpoint().node()).toList()));

      assertEquals(Map.of("a", 5, "b", 5), spread(port, 10)); // round-robin over both
      assertEquals(5, a.accepted.get());

      cluster.registry().tell(new ServiceRegistry.Deregister("billing:8080", a.hostPort(), "n1"));
      awaitAvailable(billing, 1);
      assertEquals(Map.of("b", 6), spread(port, 6));
      assertEquals(5, a.accepted.get(), "no new connection reached the deregistered endpoint");
      cluster.registry().tell(new ServiceRegistry.Deregister("billing:8080", b.hostPort(), "n2"));
    }
  }

  @Test
  void externalEndpointsAreReachedTheSameWay() throws Exception {
    try (NamedBackend mail = NamedBackend.start("mail")) {
      Upstream upstream = new Upstream("mail:25", UpstreamSettings.defaults());
      int port = listen("mail:25", upstream);
      cluster.registry().tell(new ServiceRegistry.SetExternals(Map.of("mail:25", Set.of(mail.hostPort()))));
      awaitAvailable(upstream, 1);
      assertEquals(ServiceRegistry.EXTERNAL, upstream.pool().all().get(0).endpoint().node());
      assertEquals("mail", LoopbackClient.hello(port));
      cluster.registry().tell(new ServiceRegistry.SetExternals(Map.of()));
      awaitAvailable(upstream, 0);
      assertEquals(null, LoopbackClient.hello(port), "no endpoint left: the proxy closes the connection");
    }
  }

  @Test
  void aStoppedPoolNoLongerFollowsTheRegistry() throws Exception {
    try (NamedBackend a = NamedBackend.start("a"); NamedBackend b = NamedBackend.start("b")) {
      Upstream cache = new Upstream("cache:6379", UpstreamSettings.defaults());
      ActorRef<UpstreamPool.Command> pool =
          cluster.testKit().spawn(UpstreamPool.create(ServiceKey.parse("cache:6379"), cache, cluster.registry()));
      cluster.registry().tell(new ServiceRegistry.Register("cache:6379", a.hostPort(), "n1"));
      awaitAvailable(cache, 1);
      cluster.testKit().stop(pool, WAIT);
      // a subscriber that still listened would hear of b together with this probe
      TestProbe<ServiceRegistry.Endpoints> witness = cluster.testKit().createTestProbe();
      cluster.registry().tell(new ServiceRegistry.Subscribe("cache:6379", witness.ref()));
      witness.receiveMessage(WAIT);
      cluster.registry().tell(new ServiceRegistry.Register("cache:6379", b.hostPort(), "n1"));
      assertEquals(2, witness.receiveMessage(WAIT).endpoints().size());
      witness.expectNoMessage(Duration.ofMillis(300));
      assertEquals(1, cache.pool().all().size(), "the stopped pool left its Upstream as it was");
      cluster.registry().tell(new ServiceRegistry.Unsubscribe("cache:6379", witness.ref()));
      cluster.registry().tell(new ServiceRegistry.Deregister("cache:6379", a.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("cache:6379", b.hostPort(), "n1"));
    }
  }
}
