package glow.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.KeyManagerFactory;

/**
 * The {@code glow.node.cluster-tls} settings of one node (none, or one per {@link NodeSettings}):
 * the key store (this node's key and certificate) and trust store (the CA it accepts peers from) of
 * Akka's {@code tls-tcp} artery transport. Both stores are opened while the settings are read, so a
 * wrong path or password is reported by key before any actor system starts.
 *
 * <p>TLS is off while both store paths are empty (the default). Protocol, cipher suites and mutual
 * authentication are fixed in {@code glow.akka.remote.artery.ssl} of reference.conf.
 */
public record ClusterTls(Path keyStore, String keyStorePassword, String keyPassword, Path trustStore,
    String trustStorePassword, boolean hostnameVerification) {

  static final String PATH = "glow.node.cluster-tls";
  private static final String PREFIX = PATH + ".";
  private static final Set<String> KEYS = Set.of("key-store", "key-store-password", "key-password", "trust-store",
      "trust-store-password", "hostname-verification");
  private static final String ENGINE = "akka.remote.artery.ssl.config-ssl-engine.";

  /** Never prints the passwords (settings get logged and printed). */
  @Override
  public String toString() {
    return "ClusterTls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", hostnameVerification="
        + hostnameVerification + ", passwords hidden]";
  }

  /** The artery settings that switch the node's cluster transport to TLS with these stores. */
  Config akkaConfig() {
    return ConfigFactory.empty()
        .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue(ENGINE + "key-store", ConfigValueFactory.fromAnyRef(keyStore.toString()))
        .withValue(ENGINE + "key-store-password", ConfigValueFactory.fromAnyRef(keyStorePassword))
        .withValue(ENGINE + "key-password", ConfigValueFactory.fromAnyRef(keyPassword))
        .withValue(ENGINE + "trust-store", ConfigValueFactory.fromAnyRef(trustStore.toString()))
        .withValue(ENGINE + "trust-store-password", ConfigValueFactory.fromAnyRef(trustStorePassword))
        .withValue(ENGINE + "hostname-verification", ConfigValueFactory.fromAnyRef(hostnameVerification));
  }

  /**
   * Reads {@code glow.node.cluster-tls} of {@code c} and opens both stores; adds one line to
   * {@code problems} per problem, each naming its key.
   *
   * @param host {@code glow.node.host}, which the node's certificate must name when hostname
   *     verification is on (null if the host itself is invalid)
   * @return empty when TLS is off or a problem was found
   */
  static Optional<ClusterTls> read(Config c, String host, List<String> problems) {
    if (!c.hasPath(PATH)) return Optional.empty();
    Checks k = new Checks(c, problems);
    int before = problems.size();
    try {
      for (String key : new TreeSet<>(c.getConfig(PATH).root().keySet())) {
        if (!KEYS.contains(key)) k.bad(key, "unknown setting (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
    } catch (ConfigException e) {
      problems.add(e.getMessage()); // cluster-tls is not an object
      return Optional.empty();
    }
    String keyStore = k.string("key-store");
    String trustStore = k.string("trust-store");
    if (keyStore == null || trustStore == null) return Optional.empty();
    if (keyStore.isBlank() && trustStore.isBlank()) return Optional.empty(); // TLS off
    if (keyStore.isBlank()) {
      k.bad("key-store", "must be set when trust-store is: the file holding this node's key and certificate "
          + "(e.g. /etc/glow/tls/n1.p12)");
    }
    if (trustStore.isBlank()) {
      k.bad("trust-store", "must be set when key-store is: the file holding the CA certificate peers are accepted "
          + "from (e.g. /etc/glow/tls/trust.p12)");
    }
    String keyStorePassword = k.password("key-store-password", "GLOW_CLUSTER_KEY_STORE_PASSWORD");
    String trustStorePassword = k.password("trust-store-password", "GLOW_CLUSTER_TRUST_STORE_PASSWORD");
    String keyPassword = k.string("key-password");
    // keytool's PKCS12 stores protect the key with the store password: one password is the usual case
    if (keyPassword != null && keyPassword.isEmpty()) keyPassword = keyStorePassword;
    Boolean hostnameVerification = k.bool("hostname-verification");
    if (problems.size() > before) return Optional.empty();

    Path keyPath = k.file("key-store", keyStore);
    Path trustPath = k.file("trust-store", trustStore);
    if (keyPath != null) {
      KeyStore keys = k.open("key-store", keyPath, keyStorePassword);
      if (keys != null) k.checkKeys(keys, keyPath, keyPassword, hostnameVerification ? host : null);
    }
    if (trustPath != null) {
      KeyStore trusted = k.open("trust-store", trustPath, trustStorePassword);
      if (trusted != null) k.checkTrusted(trusted, trustPath);
    }
    if (problems.size() > before) return Optional.empty();
    return Optional.of(new ClusterTls(keyPath, keyStorePassword, keyPassword, trustPath, trustStorePassword,
        hostnameVerification));
  }

  /** Reads and checks cluster-tls keys, turning every failure into a problem line naming the key. */
  private record Checks(Config c, List<String> problems) {
    void bad(String key, String what) {
      problems.add(NodeSettings.origin(c, PREFIX + key) + PREFIX + key + ": " + what);
    }

    String string(String key) {
      try {
        return c.getString(PREFIX + key).trim();
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Boolean bool(String key) {
      try {
        return c.getBoolean(PREFIX + key);
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    String password(String key, String env) {
      String p = string(key);
      if (p != null && p.isEmpty()) {
        bad(key, "must be set when cluster TLS is on: set the environment variable " + env
            + " (reference.conf reads it), or write " + key + " = ${?SOME_VARIABLE} in the config file");
      }
      return p;
    }

    /** The absolute path of a readable regular file, or null after reporting why not. */
    Path file(String key, String text) {
      Path p;
      try {
        p = Path.of(text).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        bad(key, "\"" + text + "\" is not a file path");
        return null;
      }
      if (!Files.isRegularFile(p)) {
        bad(key, p + ": no such file");
        return null;
      }
      if (!Files.isReadable(p)) {
        bad(key, p + ": not readable by this user (" + System.getProperty("user.name") + ")");
        return null;
      }
      return p;
    }

    /** Opens a PKCS12 or JKS store; null after reporting a wrong password or a file that is no store. */
    KeyStore open(String key, Path p, String password) {
      try {
        return KeyStore.getInstance(p.toFile(), password.toCharArray());
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException) {
          bad(key + "-password", "wrong password for " + p);
        } else {
          bad(key, p + ": cannot be read as a key store: " + e.getMessage());
        }
      } catch (KeyStoreException e) {
        bad(key, p + ": not a PKCS12 or JKS key store (" + e.getMessage() + ")");
      } catch (GeneralSecurityException e) {
        bad(key, p + ": cannot be read as a key store: " + e);
      }
      return null;
    }

    /** The key store holds a private key that keyPassword unlocks, with a currently valid certificate. */
    void checkKeys(KeyStore keys, Path p, String keyPassword, String host) {
      try {
        List<String> aliases = new ArrayList<>();
        for (String alias : Collections.list(keys.aliases())) {
          if (keys.isKeyEntry(alias)) aliases.add(alias);
        }
        if (aliases.isEmpty()) {
          bad("key-store", p + ": holds no private key (is it the trust store? it must hold this node's key and certificate)");
          return;
        }
        try {
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).init(keys, keyPassword.toCharArray());
        } catch (UnrecoverableKeyException e) {
          bad("key-password", "does not unlock the private key in " + p
              + " (wrong password; for a PKCS12 store made by keytool it is the key store password)");
          return;
        }
        for (String alias : aliases) {
          if (keys.getCertificate(alias) instanceof X509Certificate cert) {
            try {
              cert.checkValidity();
            } catch (CertificateExpiredException e) {
              bad("key-store", p + ": the certificate of key \"" + alias + "\" expired on " + cert.getNotAfter().toInstant()
                  + "; peers will refuse it (make a new one, see docs/cluster.md)");
            } catch (CertificateNotYetValidException e) {
              bad("key-store", p + ": the certificate of key \"" + alias + "\" is not valid before "
                  + cert.getNotBefore().toInstant() + " (check this machine's clock)");
            }
            if (host != null && !names(cert, host)) {
              bad("hostname-verification", "on, but the certificate of key \"" + alias + "\" in " + p
                  + " does not name this node's host " + host + " (give it -ext san=ip:" + host + " or san=dns:" + host
                  + ", or turn hostname-verification off)");
            }
          }
        }
      } catch (GeneralSecurityException e) {
        bad("key-store", p + ": cannot read its keys: " + e);
      }
    }

    void checkTrusted(KeyStore trusted, Path p) {
      try {
        for (String alias : Collections.list(trusted.aliases())) {
          if (trusted.isCertificateEntry(alias)) return;
        }
        bad("trust-store", p + ": holds no trusted certificate (import the CA certificate with keytool -importcert)");
      } catch (KeyStoreException e) {
        bad("trust-store", p + ": cannot read its entries: " + e);
      }
    }

    /** Whether the certificate's subject alternative names contain host (as IP or DNS name). */
    private static boolean names(X509Certificate cert, String host) {
      try {
        if (cert.getSubjectAlternativeNames() == null) return false;
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          // entry: [type, value]; 2 = dNSName, 7 = iPAddress
          if (san.size() == 2 && host.equalsIgnoreCase(String.valueOf(san.get(1)))) return true;
        }
        return false;
      } catch (CertificateParsingException e) {
        return false;
      }
    }
  }
}
