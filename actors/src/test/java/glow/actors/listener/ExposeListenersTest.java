package glow.actors.listener;

import static glow.actors.listener.RepoFiles.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.expose.TestCerts;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import glow.actors.registry.ServiceRegistry;
import glow.conf.snapshot.Snapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tcp-mode exposes run by the node's Listeners actor: snapshots loaded from real repo folders, the
 * real registry of a one-node cluster, real sockets on 127.0.0.1 and real backends. Each test uses
 * its own app names, so the shared registry does not mix their endpoints.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ExposeListenersTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final ListenersSettings SETTINGS = ListenersSettings.defaults()
      .withDrainGrace(Duration.ofSeconds(5))
      .withBindRetry(Duration.ofMillis(100), Duration.ofMillis(400));
  static GlowNode node;
  static ActorTestKit testKit;
  static ActorRef<ServiceRegistry.Command> registry;

  @TempDir
  Path repo;

  @BeforeAll
  static void start() throws Exception {
    node = GlowNode.start(TestNodes.settings("n1", null));
    testKit = ActorTestKit.create(node.system());
    registry = node.registry();
    node.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static String expose(int port, String target, String extra) {
    return "listen: 127.0.0.1:" + port + "\nnodes: [n1]\ntarget: " + target + "\n" + extra;
  }

  private static Listeners.Listing awaitListing(ActorRef<Listeners.Command> listeners, String what,
                                                Predicate<Listeners.Listing> condition) {
    Listeners.Listing[] last = {null};
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      TestProbe<Listeners.Listing> probe = testKit.createTestProbe();
      listeners.tell(new Listeners.GetListeners(probe.ref()));
      last[0] = probe.receiveMessage(WAIT);
      assertTrue(condition.test(last[0]), what + ", got " + last[0]);
      return null;
    });
    return last[0];
  }

  private static ListenerStatus on(Listeners.Listing l, int port) {
    return l.listeners().stream().filter(s -> s.port() == port).findFirst().orElse(null);
  }

  private static boolean bound(Listeners.Listing l, int port) {
    ListenerStatus s = on(l, port);
    return s != null && s.boundAddress() != null && s.endpoints().size() == 1;
  }

  @Test
  void tcpExposeSendsAProxyV1HeaderThatTheBackendParsesBeforeTheClientsBytes() throws Exception {
    int p = LoopbackClient.freePort();
    try (ProxyV1Backend pg = new ProxyV1Backend()) {
      registry.tell(new ServiceRegistry.Register("pgx:5432", pg.hostPort(), "n1"));
      Snapshot s = RepoFiles.load(repo, Map.of(
          "apps/pgx.yaml", app("pgx", "pg: 5432"),
          "expose/pgx.yaml", expose(p, "pgx:pg", "proxy-protocol: v1\n")));
      ActorRef<Listeners.Command> listeners = testKit.spawn(Listeners.create("n1", registry, SETTINGS));
      listeners.tell(new Listeners.Apply(s));
      Listeners.Listing l = awaitListing(listeners, "the expose listener bound", x -> bound(x, p));
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
      testKit.stop(listeners, WAIT);
      registry.tell(new ServiceRegistry.Deregister("pgx:5432", pg.hostPort(), "n1"));
    }
  }

  @Test
  void tcpExposeWithTlsTerminatesItAndTheBackendSeesPlainBytes(@TempDir Path tls) throws Exception {
    TestCerts certs = new TestCerts(tls);
    Path[] pair = certs.issue("db", "db.test", "v1");
    int p = LoopbackClient.freePort();
    try (NamedBackend db = NamedBackend.start("db-plain")) {
      registry.tell(new ServiceRegistry.Register("dbt:5432", db.hostPort(), "n1"));
      Snapshot s = RepoFiles.load(repo, Map.of(
          "apps/dbt.yaml", app("dbt", "pg: 5432"),
          "expose/dbt.yaml", expose(p, "dbt:pg", "tls: {cert: " + pair[0] + ", key: " + pair[1] + "}\n")));
      ActorRef<Listeners.Command> listeners = testKit.spawn(Listeners.create("n1", registry, SETTINGS));
      listeners.tell(new Listeners.Apply(s));
      awaitListing(listeners, "the TLS expose listener bound", x -> bound(x, p));

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
      testKit.stop(listeners, WAIT);
      registry.tell(new ServiceRegistry.Deregister("dbt:5432", db.hostPort(), "n1"));
    }
  }

  @Test
  void exposesAddedChangedAndRemovedAtRunTimeLeaveTheOtherListenersConnectionOpen() throws Exception {
    int pa = LoopbackClient.freePort();
    int pb = LoopbackClient.freePort();
    int pc = LoopbackClient.freePort();
    try (NamedBackend a = NamedBackend.start("site-a"); NamedBackend b = NamedBackend.start("site-b");
         NamedBackend other = NamedBackend.start("elsewhere")) {
      registry.tell(new ServiceRegistry.Register("sitea:80", a.hostPort(), "n1"));
      registry.tell(new ServiceRegistry.Register("siteb:80", b.hostPort(), "n1"));
      Map<String, String> files = new HashMap<>(Map.of(
          "apps/sitea.yaml", app("sitea", "web: 80"),
          "apps/siteb.yaml", app("siteb", "web: 80"),
          "expose/a.yaml", expose(pa, "sitea:web", ""),
          "expose/b.yaml", expose(pb, "siteb:80", ""),
          "expose/c-elsewhere.yaml", "listen: 127.0.0.1:" + pc + "\nnodes: [n2]\ntarget: sitea:web\n"));
      ActorRef<Listeners.Command> listeners = testKit.spawn(Listeners.create("n1", registry, SETTINGS));
      listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
      Listeners.Listing l = awaitListing(listeners, "a and b bound", x -> bound(x, pa) && bound(x, pb));
      assertNull(on(l, pc), "an expose for another node has no listener here");
      assertTrue(LoopbackClient.refused(pc));

      try (LoopbackClient kept = LoopbackClient.open(pa)) {
        assertEquals("site-a", kept.backend);
        // b changes target (rebinds b), c moves to this node (a new listener)
        files.put("expose/b.yaml", expose(pb, "sitea:web", ""));
        files.put("expose/c-elsewhere.yaml", expose(pc, "siteb:web", ""));
        listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
        l = awaitListing(listeners, "b now forwards to sitea, c bound",
            x -> bound(x, pb) && "sitea:80".equals(on(x, pb).service()) && bound(x, pc));
        assertEquals(1, on(l, pa).activeConnections(), "a's listener was not replaced: it still holds the connection");
        assertEquals("site-a", LoopbackClient.hello(pb));
        assertEquals("site-b", LoopbackClient.hello(pc));
        assertEquals("one", kept.echo("one"));

        files.remove("expose/b.yaml");
        listeners.tell(new Listeners.Apply(RepoFiles.load(repo, files)));
        awaitListing(listeners, "b gone", x -> on(x, pb) == null);
        testKit.createTestProbe().awaitAssert(WAIT, () -> {
          assertTrue(LoopbackClient.refused(pb), "the removed expose released its port");
          return null;
        });
        assertEquals("two", kept.echo("two"), "a's open connection survived both changes");
      }
      testKit.stop(listeners, WAIT);
      registry.tell(new ServiceRegistry.Deregister("sitea:80", a.hostPort(), "n1"));
      registry.tell(new ServiceRegistry.Deregister("siteb:80", b.hostPort(), "n1"));
    }
  }
}
