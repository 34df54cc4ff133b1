package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.Member;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in one JVM whose cluster traffic runs over artery TLS with certificates one CA signed
 * (made by keytool, as docs/cluster.md says): they form a cluster and share the registry; their
 * port speaks TLS 1.3 only to a peer with a certificate; a node the CA did not sign never joins.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoNodeTlsTest {
  static Path dir;
  static TestKeyStores stores;
  static GlowNode n1;
  static GlowNode n2;
  static ActorTestKit testKit1;
  static ActorTestKit testKit2;

  @BeforeAll
  static void start() throws Exception {
    stores = TestKeyStores.shared();
    dir = stores.dir();
    Path key1 = dir.resolve("n1.p12");
    Path key2 = dir.resolve("n2.p12");
    n1 = GlowNode.start(TestNodes.settings("n1", null, tls(key1, stores.trustStore())));
    testKit1 = ActorTestKit.create(n1.system());
    n1.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
    n2 = GlowNode.start(TestNodes.settings("n2", TestNodes.address(n1), tls(key2, stores.trustStore())));
    testKit2 = ActorTestKit.create(n2.system());
    n2.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    // n2 leaves, then n1. Once, on a machine under heavy load, n2 still held its TLS connection to n1
    // 10 s after leaving (the TLS stage waits for its peer to close): n1 stopping ends it, so wait
    // for n2 only a while before stopping n1, then require both to be gone.
    if (n2 != null) {
      n2.stop();
      try {
        n2.system().getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        System.out.println("n2 had not terminated 15 s after leaving; stopping n1 too");
      }
    }
    if (n1 != null) n1.stop();
    for (GlowNode n : new GlowNode[] {n2, n1}) {
      if (n != null) n.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (testKit2 != null) testKit2.shutdownTestKit();
    if (testKit1 != null) testKit1.shutdownTestKit();
  }

  /** TLS overrides, with hostname verification on: every certificate here names 127.0.0.1. */
  static Map<String, String> tls(Path keyStore, Path trustStore) {
    Map<String, String> o = new HashMap<>(TestKeyStores.overrides(keyStore, trustStore));
    o.put("glow.node.cluster-tls.hostname-verification", "on");
    return o;
  }

  @Test
  void nodesFormAClusterOverTlsAndShareTheRegistry() {
    assertEquals("tls-tcp", n1.system().settings().config().getString("akka.remote.artery.transport"));
    assertEquals("tls-tcp", n2.system().settings().config().getString("akka.remote.artery.transport"));
    TestProbe<ServiceRegistry.Endpoints> onN1 = testKit1.createTestProbe();
    n1.registry().tell(new ServiceRegistry.Subscribe("billing:8080", onN1.ref()));
    n2.registry().tell(new ServiceRegistry.Register("billing:8080", "127.0.0.1:7002", "n2"));
    onN1.fishForMessage(Duration.ofSeconds(10), e -> e.endpoints().equals(Set.of(new Endpoint("127.0.0.1:7002", "n2")))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  @Test
  void theClusterPortSpeaksOnlyTls13AndOnlyToAPeerWithACertificate() throws Exception {
    int port = (Integer) TestNodes.address(n1).port().get();
    Path key2 = dir.resolve("n2.p12");
    try (SSLSocket s = connect(client(key2, stores.trustStore()), port)) {
      s.startHandshake();
      assertEquals("TLSv1.3", s.getSession().getProtocol());
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertEquals("CN=n1", peer.getSubjectX500Principal().getName());
    }
    // TLS 1.2, even with a good certificate: no protocol in common
    try (SSLSocket s = connect(client(key2, stores.trustStore()), port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      assertThrows(SSLHandshakeException.class, s::startHandshake);
    }
    // no key of our own: the node asks for a certificate and ends the connection without one
    try (SSLSocket s = connect(client(null, stores.trustStore()), port)) {
      SSLException refused = assertThrows(SSLException.class, () -> {
        s.startHandshake(); // in TLS 1.3 the server judges the client's certificate after the client's handshake
        InputStream in = s.getInputStream();
        if (in.read() == -1) throw new SSLException("closed without an alert");
      });
      assertTrue(refused.getMessage().contains("certificate"), refused.toString());
    }
  }

  @Test
  void aNodeWhoseCertificateTheClusterDoesNotTrustNeverBecomesUp() throws Exception {
    Path key3 = dir.resolve("n3-self.p12");
    Path trust3 = dir.resolve("n3-self-trust.p12"); // trusts only itself, not the CA
    GlowNode n3 = GlowNode.start(TestNodes.settings("n3", TestNodes.address(n1), tls(key3, trust3)));
    try {
      // bounded wait for something that must not happen: 10 s is several join retries and handshakes
      assertThrows(TimeoutException.class, () -> n3.whenUp().toCompletableFuture().get(10, TimeUnit.SECONDS));
      Address a3 = TestNodes.address(n3);
      Set<Address> members = StreamSupport.stream(n1.cluster().state().getMembers().spliterator(), false)
          .map(Member::address).collect(Collectors.toSet());
      assertEquals(Set.of(TestNodes.address(n1), TestNodes.address(n2)), members, "n3 " + a3 + " is not a member");
    } finally {
      ActorTestKit.shutdown(n3.system(), Duration.ofSeconds(30));
    }
  }

  static SSLContext client(Path keyStore, Path trustStore) throws Exception {
    KeyStore trusted = KeyStore.getInstance(trustStore.toFile(), TestKeyStores.PASSWORD.toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    KeyManagerFactory kmf = null;
    if (keyStore != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(KeyStore.getInstance(keyStore.toFile(), TestKeyStores.PASSWORD.toCharArray()),
          TestKeyStores.PASSWORD.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  static SSLSocket connect(SSLContext ctx, int port) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }
}
