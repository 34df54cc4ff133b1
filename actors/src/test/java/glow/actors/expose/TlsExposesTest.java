package glow.actors.expose;

import static glow.actors.expose.HttpExposesTest.awaitBound;
import static glow.actors.listener.RepoFiles.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import glow.actors.listener.LoopbackClient;
import glow.actors.listener.RepoFiles;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination of http exposes: certificates made by openssl for a test CA, a real TLS client
 * (SSLSocket with SNI, trusting only that CA), the real registry of a one-node cluster.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsExposesTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");

  @TempDir
  Path repo;

  @TempDir
  Path tls;

  /**
   * Handshakes with {@code sni} and returns the certificate the server chose. A fresh client
   * context each time: a cached session for 127.0.0.1:port would be resumed with the old certificate.
   */
  private static X509Certificate handshake(TestCerts certs, int port, String sni) throws Exception {
    try (SSLSocket s = open(certs.client(), port, sni)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private static SSLSocket open(SSLContext client, int port, String sni) throws IOException {
    SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    p.setEndpointIdentificationAlgorithm("HTTPS"); // checks the certificate names the SNI host
    s.setSSLParameters(p);
    s.setSoTimeout(5_000);
    return s;
  }

  @Test
  void terminatesTlsChoosingTheCertificateBySniAndPicksUpANewCertificateFile() throws Exception {
    TestCerts certs = new TestCerts(tls);
    Path[] a = certs.issue("a", "a.test", "v1");
    Path[] b = certs.issue("b", "b.test", "v1");
    int p = LoopbackClient.freePort();
    try (HttpBackend siteA = new HttpBackend("site-a"); HttpBackend siteB = new HttpBackend("site-b")) {
      cluster.registry().tell(new ServiceRegistry.Register("sitet:80", siteA.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("othert:80", siteB.hostPort(), "n1"));
      String tlsA = "tls: {cert: " + a[0] + ", key: " + a[1] + "}\n";
      String tlsB = "tls: {cert: " + b[0] + ", key: " + b[1] + "}\n";
      var files = Map.of(
          "apps/sitet.yaml", app("sitet", "web: 80"),
          "apps/othert.yaml", app("othert", "web: 80"),
          "expose/a.yaml", HttpExposesTest.expose(p, "sitet:web", "hosts: [a.test]\n" + tlsA),
          "expose/b.yaml", HttpExposesTest.expose(p, "othert:web", "hosts: [b.test]\n" + tlsB));
      ActorRef<HttpExposes.Command> exposes = cluster.testKit().spawn(HttpExposes.create("n1", cluster.registry(),
          HttpExposesTest.SETTINGS, Duration.ofMillis(200)));
      exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
      awaitBound(cluster.testKit(), exposes, "one TLS listener",
          x -> x.listeners().equals(Map.of("http 127.0.0.1:" + p + " tls", "127.0.0.1:" + p)));
      SSLContext client = certs.client();

      assertEquals(TestCerts.read(a[0]), handshake(certs, p, "a.test"));
      assertEquals(TestCerts.read(b[0]), handshake(certs, p, "b.test"));
      cluster.testKit().createTestProbe().awaitAssert(HttpExposesTest.WAIT, () -> {
        try (SSLSocket s = open(client, p, "b.test")) {
          RawHttp.Answer answer = RawHttp.get(s, "b.test", "/hello");
          assertEquals(200, answer.status());
          assertTrue(answer.body().startsWith("backend site-b\npath /hello\nhost b.test\nx-forwarded-for 127.0.0.1\n"
              + "x-forwarded-proto https\n"), answer.body());
        }
        return null;
      });

      // a.test gets a new certificate: written next to the old one, then moved in (key first)
      BigInteger oldSerial = TestCerts.read(a[0]).getSerialNumber();
      Path[] a2 = certs.issue("a2", "a.test", "v2");
      Instant later = Instant.now().plusSeconds(5); // past the file system's mtime granularity
      Files.move(a2[1], a[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.setLastModifiedTime(a[1], FileTime.from(later));
      Files.move(a2[0], a[0], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.setLastModifiedTime(a[0], FileTime.from(later));
      X509Certificate renewed = TestCerts.read(a[0]);
      assertTrue(!renewed.getSerialNumber().equals(oldSerial));
      cluster.testKit().createTestProbe().awaitAssert(HttpExposesTest.WAIT, () -> {
        assertEquals(renewed, handshake(certs, p, "a.test"), "new handshakes use the new certificate");
        return null;
      });
      assertEquals(TestCerts.read(b[0]), handshake(certs, p, "b.test"));
      cluster.testKit().stop(exposes, HttpExposesTest.WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("sitet:80", siteA.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("othert:80", siteB.hostPort(), "n1"));
    }
  }
}
