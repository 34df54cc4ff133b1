package glow.actors.listener;

import static glow.actors.listener.Listings.WAIT;
import static glow.actors.listener.Listings.awaitListing;
import static glow.actors.listener.Listings.on;
import static glow.actors.listener.Listings.spawnListeners;
import static glow.actors.listener.RepoFiles.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import glow.actors.expose.TestCerts;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry;
import glow.conf.snapshot.Snapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * tcp-mode exposes run by the node's Listeners actor: snapshots loaded from real repo folders, the
 * real registry of a one-node cluster, real sockets on 127.0.0.1 and real backends. Each test uses
 * its own app names, so the shared registry does not mix their endpoints.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ExposeListenersTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");

  @TempDir
  Path repo;

  static String expose(int port, String target, String extra) {
    return "listen: 127.0.0.1:" + port + "\nnodes: [n1]\ntarget: " + target + "\n" + extra;
  }

  private static boolean bound(Listeners.Listing l, int port) {
    ListenerStatus s = on(l, port);
    return s != null && s.boundAddress() != null && s.endpoints().size() == 1;
  }

  @Test
  void tcpExposeSendsAProxyV1HeaderThatTheBackendParsesBeforeTheClientsBytes() throws Exception {
    int p = LoopbackClient.freePort();
    try (ProxyV1Backend pg = new ProxyV1Backend()) {
      cluster.registry().tell(new ServiceRegistry.Register("pgx:5432", pg.hostPort(), "n1"));
      Snapshot s = RepoFiles.load(repo, Map.of(
          "apps/pgx.yaml", app("pgx", "pg: 5432"),
          "expose/pgx.yaml", expose(p, "pgx:pg", "proxy-protocol: v1\n")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(s));
      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "the expose listener bound", x -> bound(x, p));
      assertEquals("127.0.0.1:" + p, on(l, p).name());
      assertEquals(List.of("expose/pgx"), on(l, p).neededBy());
      assertEquals("pgx:5432", on(l, p).service());

      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), p)) {
        c.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals("from 127.0.0.1:" + c.getLocalPort() + " to 127.0.0.1:" + p, in.readLine(),
            "the backend parsed the header naming the real client and the expose's address");
        c.getOutputStream().write("payload\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("payload", in.readLine(), "the client's bytes follow the header intact");
      }
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("pgx:5432", pg.hostPort(), "n1"));
    }
  }

  @Test
  void tcpExposeWithTlsTerminatesItAndTheBackendSeesPlainBytes(@TempDir Path tls) throws Exception {
    TestCerts certs = new TestCerts(tls);
    Path[] pair = certs.issue("db", "db.test", "v1");
    int p = LoopbackClient.freePort();
    try (NamedBackend db = NamedBackend.start("db-plain")) {
      cluster.registry().tell(new ServiceRegistry.Register("dbt:5432", db.hostPort(), "n1"));
      Snapshot s = RepoFiles.load(repo, Map.of(
          "apps/dbt.yaml", app("dbt", "pg: 5432"),
          "expose/dbt.yaml", expose(p, "dbt:pg", "tls: {cert: " + pair[0] + ", key: " + pair[1] + "}\n")));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(s));
      awaitListing(cluster.testKit(), listeners, "the TLS expose listener bound", x -> bound(x, p));

      try (SSLSocket c = (SSLSocket) certs.client().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), p)) {
        SSLParameters params = c.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName("db.test")));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        c.setSSLParameters(params);
        c.setSoTimeout(5_000);
        c.startHandshake();
        assertEquals(TestCerts.read(pair[0]), c.getSession().getPeerCertificates()[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals("db-plain", in.readLine(), "the backend's greeting came back through TLS");
        c.getOutputStream().write("secret\n".getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        assertEquals("secret", in.readLine());
      }
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("dbt:5432", db.hostPort(), "n1"));
    }
  }

  @Test
  void exposesAddedChangedAndRemovedAtRunTimeLeaveTheOtherListenersConnectionOpen() throws Exception {
    int pa = LoopbackClient.freePort();
    int pb = LoopbackClient.freePort();
    int pc = LoopbackClient.freePort();
    try (NamedBackend a = NamedBackend.start("site-a"); NamedBackend b = NamedBackend.start("site-b");
         NamedBackend other = NamedBackend.start("elsewhere")) {
      cluster.registry().tell(new ServiceRegistry.Register("sitea:80", a.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("siteb:80", b.hostPort(), "n1"));
      Map<String, String> files = new HashMap<>(Map.of(
          "apps/sitea.yaml", app("sitea", "web: 80"),
          "apps/siteb.yaml", app("siteb", "web: 80"),
          "expose/a.yaml", expose(pa, "sitea:web", ""),
          "expose/b.yaml", expose(pb, "siteb:80", ""),
          "expose/c-elsewhere.yaml", "listen: 127.0.0.1:" + pc + "\nnodes: [n2]\ntarget: sitea:web\n"));
      ActorRef<Listeners.Command> listeners = spawnListeners(cluster);
      listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
      Listeners.Listing l = awaitListing(cluster.testKit(), listeners, "a and b bound", x -> bound(x, pa) && bound(x, pb));
      assertNull(on(l, pc), "an expose for another node has no listener here");
      assertTrue(LoopbackClient.refused(pc));

      try (LoopbackClient kept = LoopbackClient.open(pa)) {
        assertEquals("site-a", kept.backend);
        // b changes target (rebinds b), c moves to this node (a new listener)
        files.put("expose/b.yaml", expose(pb, "sitea:web", ""));
        files.put("expose/c-elsewhere.yaml", expose(pc, "siteb:web", ""));
        listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
        l = awaitListing(cluster.testKit(), listeners, "b now forwards to sitea, c bound",
            x -> bound(x, pb) && "sitea:80".equals(on(x, pb).service()) && bound(x, pc));
        assertEquals(1, on(l, pa).activeConnections(), "a's listener was not replaced: it still holds the connection");
        assertEquals("site-a", LoopbackClient.hello(pb));
        assertEquals("site-b", LoopbackClient.hello(pc));
        assertEquals("one", kept.echo("one"));

        files.remove("expose/b.yaml");
        listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
        awaitListing(cluster.testKit(), listeners, "b gone", x -> on(x, pb) == null);
        cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
          assertTrue(LoopbackClient.refused(pb), "the removed expose released its port");
          return null;
        });
        assertEquals("two", kept.echo("two"), "a's open connection survived both changes");
      }
      cluster.testKit().stop(listeners, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("sitea:80", a.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("siteb:80", b.hostPort(), "n1"));
    }
  }
}
