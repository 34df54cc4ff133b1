package glow.actors.listener;

import static glow.actors.listener.Listings.WAIT;
import static glow.actors.listener.Listings.awaitListing;
import static glow.actors.listener.Listings.listing;
import static glow.actors.listener.Listings.on;
import static glow.actors.listener.Listings.spawnListeners;
import static glow.actors.listener.RepoFiles.app;
import static glow.actors.listener.RepoFiles.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's Listeners actor driven by snapshots loaded from real repo folders, over the real
 * registry of a one-node cluster and real loopback sockets. Each test uses its own app names, so
 * the shared registry does not mix their endpoints.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ListenersTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");

  @TempDir
  Path repo;

  private Snapshot snapshot(Map<String, String> files) throws IOException {
    return RepoFiles.load(repo, files);
  }

  private static boolean bound(Listeners.Listing l, int port, int endpoints) {
    ListenerStatus s = on(l, port);
    return s != null && s.boundAddress() != null && s.endpoints().size() == endpoints;
  }

  private static List<Integer> ports(Listeners.Listing l) {
    return l.listeners().stream().map(ListenerStatus::port).toList();
  }

  @Test
  void startsTheListenersOfThisNodeOnlyAndDrainsARemovedOneWithoutTouchingTheOther() throws Exception {
    int p1 = LoopbackClient.freePort();
    int p2 = LoopbackClient.freePort();
    int p3 = LoopbackClient.freePort();
    try (NamedBackend bill = NamedBackend.start("bill-a"); NamedBackend ledger = NamedBackend.start("ledger-a")) {
      cluster.registry().tell(new ServiceRegistry.Register("billa:8080", bill.hostPort(), "n2"));
      cluster.registry().tell(new ServiceRegistry.Register("ledgera:8090", ledger.hostPort(), "n2"));
      Map<String, String> files = new java.util.HashMap<>(Map.of(
          "apps/billa.yaml", app("billa", "http: 8080"),
          "apps/ledgera.yaml", app("ledgera", "http: 8090"),
          "apps/weba.yaml", app("weba", "http: 9000", "billa:8080 -> " + p1, "ledgera:8090 -> " + p2),
          "apps/othera.yaml", app("othera", "http: 9001", "ledgera:8090 -> " + p3),
          "deployments/weba-1.yaml", deployment("weba", "n1"),
          "deployments/othera-1.yaml", deployment("othera", "n2")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(snapshot(files)));

      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "both listeners of n1 bound with their endpoint",
          x -> bound(x, p1, 1) && bound(x, p2, 1));
      assertEquals(List.of(p1, p2).stream().sorted().toList(), ports(l), "none for the instance on n2");
      ListenerStatus s1 = on(l, p1);
      assertEquals("127.0.0.1:" + p1, s1.name());
      assertEquals("billa:8080", s1.service());
      assertEquals(List.of("weba:1.0.0#1"), s1.neededBy());
      assertEquals(2, s1.connectAttempts(), "retries 1 by default");
      assertEquals(new ListenerStatus.EndpointStatus(bill.hostPort(), "n2", "available", 0, 0), s1.endpoints().get(0));
      assertTrue(LoopbackClient.refused(p3));
      assertEquals("bill-a", LoopbackClient.hello(p1));

      try (LoopbackClient kept = LoopbackClient.open(p2)) {
        assertEquals("ledger-a", kept.backend);
        files.put("apps/weba.yaml", app("weba", "http: 9000", "ledgera:8090 -> " + p2));
        listeners.tell(new Listeners.Apply(snapshot(files)));
        awaitListing(cluster.testKit(), listeners, "only the kept listener", x -> ports(x).equals(List.of(p2)));
        cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
          assertTrue(LoopbackClient.refused(p1), "the removed listener released its port");
          return null;
        });
        assertEquals("still here", kept.echo("still here"), "the kept listener's connection runs on");
        assertEquals(1, on(listing(cluster.testKit(), listeners), p2).activeConnections());
        assertEquals("ledger-a", LoopbackClient.hello(p2));
      }
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("billa:8080", bill.hostPort(), "n2"));
      cluster.registry().tell(new ServiceRegistry.Deregister("ledgera:8090", ledger.hostPort(), "n2"));
    }
  }

  @Test
  void aChangedBalanceReplacesOnlyThatListener() throws Exception {
    int p1 = LoopbackClient.freePort();
    int p2 = LoopbackClient.freePort();
    try (NamedBackend bill = NamedBackend.start("bill-b"); NamedBackend ledger = NamedBackend.start("ledger-b")) {
      cluster.registry().tell(new ServiceRegistry.Register("billb:8080", bill.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("ledgerb:8090", ledger.hostPort(), "n1"));
      Map<String, String> files = new java.util.HashMap<>(Map.of(
          "apps/billb.yaml", app("billb", "http: 8080"),
          "apps/ledgerb.yaml", app("ledgerb", "http: 8090"),
          "apps/webb.yaml", app("webb", "http: 9000", "billb:8080 -> " + p1,
              "{service: ledgerb:8090, local: " + p2 + ", balance: round-robin}"),
          "deployments/webb-1.yaml", deployment("webb", "n1")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(snapshot(files)));
      awaitListing(cluster.testKit(), listeners, "both bound", x -> bound(x, p1, 1) && bound(x, p2, 1));

      try (LoopbackClient c1 = LoopbackClient.open(p1); LoopbackClient c2 = LoopbackClient.open(p2)) {
        assertEquals("bill-b", c1.backend);
        assertEquals("ledger-b", c2.backend);
        files.put("apps/webb.yaml", app("webb", "http: 9000", "billb:8080 -> " + p1,
            "{service: ledgerb:8090, local: " + p2 + ", balance: least-connections, retries: 2}"));
        listeners.tell(new Listeners.Apply(snapshot(files)));
        Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "the new listener on p2 bound",
            x -> bound(x, p2, 1) && "least-connections".equals(on(x, p2).balance()));
        assertEquals(3, on(l, p2).connectAttempts());
        // c2 lives on the replaced (draining) listener, so the new one has none; p1's listener is the same one
        assertEquals(0, on(l, p2).activeConnections());
        assertEquals(1, on(l, p1).activeConnections(), "p1's listener was not replaced: it still holds c1");
        assertEquals("one", c1.echo("one"));
        assertEquals("two", c2.echo("two"), "the drained listener lets its open connection finish");
        assertEquals("ledger-b", LoopbackClient.hello(p2));
      }
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("billb:8080", bill.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("ledgerb:8090", ledger.hostPort(), "n1"));
    }
  }

  @Test
  void connectionsReachTheFallbackWhileThePrimaryHasNoEndpoint() throws Exception {
    int p = LoopbackClient.freePort();
    try (NamedBackend replica = NamedBackend.start("replica"); NamedBackend main = NamedBackend.start("main")) {
      cluster.registry().tell(new ServiceRegistry.Register("pgreplica:5432", replica.hostPort(), "n1"));
      Snapshot s = snapshot(Map.of(
          "apps/pgmain.yaml", app("pgmain", "pg: 5432"),
          "apps/pgreplica.yaml", app("pgreplica", "pg: 5432"),
          "apps/webc.yaml", app("webc", "http: 9000",
              "{service: pgmain:5432, local: " + p + ", fallback: pgreplica:5432}"),
          "deployments/webc-1.yaml", deployment("webc", "n1")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(s));
      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "bound with the fallback's endpoint",
          x -> bound(x, p, 0) && on(x, p).fallbackEndpoints().size() == 1);
      assertEquals("pgreplica:5432", on(l, p).fallback());
      assertEquals("replica", LoopbackClient.hello(p));

      cluster.registry().tell(new ServiceRegistry.Register("pgmain:5432", main.hostPort(), "n1"));
      awaitListing(cluster.testKit(), listeners, "the primary's endpoint arrived", x -> bound(x, p, 1));
      assertEquals("main", LoopbackClient.hello(p), "the primary wins again once it has an endpoint");
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("pgreplica:5432", replica.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("pgmain:5432", main.hostPort(), "n1"));
    }
  }

  @Test
  void aTakenPortIsReportedAndBoundOnceFreed() throws Exception {
    try (NamedBackend bill = NamedBackend.start("bill-d")) {
      ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      int p = taken.getLocalPort();
      cluster.registry().tell(new ServiceRegistry.Register("billd:8080", bill.hostPort(), "n1"));
      Snapshot s = snapshot(Map.of(
          "apps/billd.yaml", app("billd", "http: 8080"),
          "apps/webd.yaml", app("webd", "http: 9000", "billd:8080 -> " + p),
          "deployments/webd-1.yaml", deployment("webd", "n1")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(s));
      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "the bind error", x -> on(x, p) != null && on(x, p).error() != null
          && on(x, p).error().startsWith("cannot bind"));
      ListenerStatus failed = on(l, p);
      assertNull(failed.boundAddress());
      assertEquals(ListenerStatus.BIND_FAILED, failed.state());
      assertTrue(failed.error().contains("127.0.0.1:" + p) && failed.error().contains("billd:8080")
          && failed.error().contains("webd:1.0.0#1"), failed.error());

      taken.close();
      Listeners.Listing after = awaitListing(cluster.testKit(), listeners, "bound once the port is free", x -> bound(x, p, 1));
      assertNull(on(after, p).error());
      assertEquals(ListenerStatus.BOUND, on(after, p).state());
      assertNotNull(on(after, p).boundAddress());
      assertEquals("bill-d", LoopbackClient.hello(p));
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("billd:8080", bill.hostPort(), "n1"));
    }
  }

  @Test
  void aBalancerClassThatIsNotOnTheClasspathRefusesThatListenerOnly() throws Exception {
    int bad = LoopbackClient.freePort();
    int good = LoopbackClient.freePort();
    try (NamedBackend bill = NamedBackend.start("bill-e")) {
      cluster.registry().tell(new ServiceRegistry.Register("bille:8080", bill.hostPort(), "n1"));
      Snapshot s = snapshot(Map.of(
          "apps/bille.yaml", app("bille", "http: 8080"),
          "apps/webe.yaml", app("webe", "http: 9000", "bille:8080 -> " + good,
              "{service: bille:8080, local: " + bad + ", balance: com.example.NoSuchBalancer}"),
          "deployments/webe-1.yaml", deployment("webe", "n1")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(s));
      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "the good one bound", x -> bound(x, good, 1));
      ListenerStatus refused = on(l, bad);
      assertEquals(ListenerStatus.REFUSED, refused.state());
      assertTrue(refused.error().contains("com.example.NoSuchBalancer is not on the classpath"), refused.error());
      assertTrue(LoopbackClient.refused(bad));
      assertEquals("bill-e", LoopbackClient.hello(good));
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("bille:8080", bill.hostPort(), "n1"));
    }
  }
}
