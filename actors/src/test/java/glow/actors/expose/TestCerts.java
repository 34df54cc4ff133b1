package glow.actors.expose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test CA and the host certificates it signs, made by the real openssl command; one per test folder. */
public final class TestCerts {
  final Path dir;
  final Path caCert;

  public TestCerts(Path dir) throws Exception {
    this.dir = dir;
    this.caCert = dir.resolve("ca.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=glow test ca");
  }

  /** Writes NAME.pem and NAME.key for {@code host} (CN and subjectAltName), signed by the CA; {@code org} tells versions apart. */
  public Path[] issue(String name, String host, String org) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + host + "\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", "/O=" + org + "/CN=" + host);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    return new Path[] {dir.resolve(name + ".pem"), dir.resolve(name + ".key")};
  }

  /** A client context that trusts only the test CA. */
  public SSLContext client() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  public static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(cmd + " failed: " + out);
  }
}
