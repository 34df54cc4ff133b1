package glow.api.http;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Builds the API's HTTPS context from a PEM certificate chain and PEM private key; one static utility. */
public final class Tls {
  private Tls() {}

  /** @throws IllegalArgumentException naming the file and what is wrong with it */
  public static HttpsConnectionContext fromPem(Path certFile, Path keyFile) {
    try {
      Certificate[] chain;
      try (InputStream in = Files.newInputStream(certFile)) {
        chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
      }
      if (chain.length == 0) throw new IllegalArgumentException(certFile + ": no PEM certificate found");
      PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(keyFile, StandardCharsets.US_ASCII)));
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, password);
      store.setKeyEntry("glow-api", key, password, chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, null);
      return ConnectionContext.httpsServer(ssl);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IllegalArgumentException("glow.api.tls: cannot use cert " + certFile + " and key " + keyFile
          + " (" + e.getMessage() + "); give a PEM certificate chain and its PEM private key", e);
    }
  }
}
