package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * glow.node.cluster-tls: off by default, rendered to artery's tls-tcp when set, and every bad path
 * or password reported by key before a node starts. The stores are made by keytool.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterTlsSettingsTest {
  static Path stores;
  static Path n1;
  static Path trust;

  @TempDir Path dir;

  @BeforeAll
  static void makeStores() throws Exception {
    TestKeyStores ks = TestKeyStores.shared();
    stores = ks.dir();
    n1 = stores.resolve("n1.p12");
    trust = ks.trustStore();
  }

  /** A --config file holding {@code body} inside glow.node.cluster-tls { }. */
  Path conf(String body) throws IOException {
    Path p = dir.resolve("node.conf");
    Files.writeString(p, "glow.node.cluster-tls {\n" + body + "\n}\n");
    return p;
  }

  /** The problems of loading conf, with the file's directory cut from each origin. */
  static List<String> problems(Path conf, Map<String, String> overrides) {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.of(conf), overrides));
    return e.problems().stream().map(p -> p.replace(conf.toString(), "node.conf")).toList();
  }

  static String quoted(Path p) {
    return "\"" + p + "\"";
  }

  @Test
  void tlsIsOffUnlessAStoreIsSet() {
    NodeSettings s = NodeSettings.load(Optional.empty(), Map.of());
    assertEquals(Optional.empty(), s.clusterTls());
    assertEquals("tcp", s.akkaConfig().getString("akka.remote.artery.transport"));
  }

  @Test
  void storesAndPasswordsBecomeArteryTlsWithMutualAuthentication() throws IOException {
    Path conf = conf("key-store = " + quoted(n1) + "\ntrust-store = " + quoted(trust)
        + "\nkey-store-password = " + TestKeyStores.PASSWORD + "\ntrust-store-password = " + TestKeyStores.PASSWORD);
    NodeSettings s = NodeSettings.load(Optional.of(conf), Map.of());
    Config akka = s.akkaConfig();
    String engine = "akka.remote.artery.ssl.config-ssl-engine.";
    assertEquals("tls-tcp", akka.getString("akka.remote.artery.transport"));
    assertEquals(n1.toString(), akka.getString(engine + "key-store"));
    assertEquals(trust.toString(), akka.getString(engine + "trust-store"));
    assertEquals(TestKeyStores.PASSWORD, akka.getString(engine + "key-store-password"));
    assertEquals(TestKeyStores.PASSWORD, akka.getString(engine + "key-password"), "defaults to the store password");
    assertEquals(TestKeyStores.PASSWORD, akka.getString(engine + "trust-store-password"));
    assertEquals("TLSv1.3", akka.getString(engine + "protocol"));
    assertTrue(akka.getBoolean(engine + "require-mutual-authentication"));
    assertFalse(akka.getBoolean(engine + "hostname-verification"));
    assertFalse(s.clusterTls().orElseThrow().toString().contains(TestKeyStores.PASSWORD), "toString hides passwords");
  }

  @Test
  void aRelativeStorePathIsMadeAbsolute() {
    Path relative = Path.of("").toAbsolutePath().relativize(n1);
    Map<String, String> o = new HashMap<>(TestKeyStores.overrides(n1, trust));
    o.put("glow.node.cluster-tls.key-store", relative.toString());
    NodeSettings s = NodeSettings.load(Optional.empty(), o);
    assertEquals(n1, s.clusterTls().orElseThrow().keyStore());
  }

  @Test
  void missingStoreFilesAreNamedByKey() throws IOException {
    Path gone = dir.resolve("gone.p12");
    Path conf = conf("key-store = " + quoted(gone) + "\ntrust-store = " + quoted(dir.resolve("nope.p12"))
        + "\nkey-store-password = x\ntrust-store-password = y");
    assertEquals(List.of(
        "node.conf: 2: glow.node.cluster-tls.key-store: " + gone + ": no such file",
        "node.conf: 3: glow.node.cluster-tls.trust-store: " + dir.resolve("nope.p12") + ": no such file"),
        problems(conf, Map.of()));
  }

  @Test
  void wrongStorePasswordsAreNamedByKey() throws IOException {
    Path conf = conf("key-store = " + quoted(n1) + "\ntrust-store = " + quoted(trust)
        + "\nkey-store-password = wrong-one\ntrust-store-password = wrong-two");
    assertEquals(List.of(
        "node.conf: 4: glow.node.cluster-tls.key-store-password: wrong password for " + n1,
        "node.conf: 5: glow.node.cluster-tls.trust-store-password: wrong password for " + trust),
        problems(conf, Map.of()));
  }

  @Test
  void aKeyPasswordThatDoesNotUnlockTheKeyIsNamed() throws IOException {
    Path conf = conf("key-store = " + quoted(n1) + "\ntrust-store = " + quoted(trust) + "\nkey-store-password = "
        + TestKeyStores.PASSWORD + "\ntrust-store-password = " + TestKeyStores.PASSWORD + "\nkey-password = not-it");
    assertEquals(List.of("node.conf: 6: glow.node.cluster-tls.key-password: does not unlock the private key in " + n1
        + " (wrong password; for a PKCS12 store made by keytool it is the key store password)"),
        problems(conf, Map.of()));
  }

  @Test
  void oneStoreWithoutTheOtherAndMissingPasswordsAreNamed() throws IOException {
    Path conf = conf("key-store = " + quoted(n1));
    assertEquals(List.of(
        "reference.conf @ " + "X: glow.node.cluster-tls.trust-store: must be set when key-store is: the file holding "
            + "the CA certificate peers are accepted from (e.g. /etc/glow/tls/trust.p12)",
        "reference.conf @ X: glow.node.cluster-tls.key-store-password: must be set when cluster TLS is on: set the "
            + "environment variable GLOW_CLUSTER_KEY_STORE_PASSWORD (reference.conf reads it), or write "
            + "key-store-password = ${?SOME_VARIABLE} in the config file",
        "reference.conf @ X: glow.node.cluster-tls.trust-store-password: must be set when cluster TLS is on: set the "
            + "environment variable GLOW_CLUSTER_TRUST_STORE_PASSWORD (reference.conf reads it), or write "
            + "trust-store-password = ${?SOME_VARIABLE} in the config file"),
        problems(conf, Map.of()).stream().map(p -> p.replaceAll("^reference\\.conf @ [^:]*:[^:]*: [0-9]+", "reference.conf @ X"))
            .toList());
  }

  @Test
  void theTrustStoreGivenAsKeyStoreIsRefused() throws IOException {
    Path conf = conf("key-store = " + quoted(trust) + "\ntrust-store = " + quoted(trust) + "\nkey-store-password = "
        + TestKeyStores.PASSWORD + "\ntrust-store-password = " + TestKeyStores.PASSWORD);
    assertEquals(List.of("node.conf: 2: glow.node.cluster-tls.key-store: " + trust
        + ": holds no private key (is it the trust store? it must hold this node's key and certificate)"),
        problems(conf, Map.of()));
  }

  @Test
  void aFileThatIsNoKeyStoreIsRefused() throws IOException {
    Path pem = stores.resolve("ca.crt"); // a PEM certificate, not a store
    Path conf = conf("key-store = " + quoted(n1) + "\ntrust-store = " + quoted(pem) + "\nkey-store-password = "
        + TestKeyStores.PASSWORD + "\ntrust-store-password = " + TestKeyStores.PASSWORD);
    List<String> problems = problems(conf, Map.of());
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("node.conf: 3: glow.node.cluster-tls.trust-store: " + pem
        + ": not a PKCS12 or JKS key store"), problems.get(0));
  }

  @Test
  void hostnameVerificationNeedsTheNodeHostInItsCertificate() {
    Map<String, String> o = new HashMap<>(TestKeyStores.overrides(n1, trust));
    o.put("glow.node.cluster-tls.hostname-verification", "on");
    o.put("host", "10.0.0.9");
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.empty(), o));
    assertEquals(List.of("command line -D glow.node.cluster-tls.hostname-verification: "
        + "glow.node.cluster-tls.hostname-verification: on, but the certificate of key \"n1\" in " + n1
        + " does not name this node's host 10.0.0.9 (give it -ext san=ip:10.0.0.9 or san=dns:10.0.0.9, "
        + "or turn hostname-verification off)"), e.problems());

    o.put("host", "127.0.0.1"); // what the CA signed for n1
    assertTrue(NodeSettings.load(Optional.empty(), o).akkaConfig()
        .getBoolean("akka.remote.artery.ssl.config-ssl-engine.hostname-verification"));
  }

  @Test
  void anUnknownClusterTlsKeyIsNamed() throws IOException {
    Path conf = conf("keystore = x");
    assertEquals(List.of("node.conf: 2: glow.node.cluster-tls.keystore: unknown setting (known: hostname-verification, "
        + "key-password, key-store, key-store-password, trust-store, trust-store-password)"), problems(conf, Map.of()));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void passwordsComeFromEnvironmentVariables() throws Exception {
    Map<String, String> env = Map.of("GLOW_CLUSTER_KEY_STORE_PASSWORD", TestKeyStores.PASSWORD,
        "GLOW_CLUSTER_TRUST_STORE_PASSWORD", TestKeyStores.PASSWORD);
    assertEquals("tls-tcp", loadInChildJvm(env).trim());
    String without = loadInChildJvm(Map.of());
    assertTrue(without.contains("glow.node.cluster-tls.key-store-password: must be set"), without);
  }

  /**
   * Runs {@link LoadSettings} in a new JVM with only the store paths set and {@code env} added to
   * its environment (a running JVM cannot change its own); returns what it printed.
   */
  private static String loadInChildJvm(Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LoadSettings.class.getName(), n1.toString(), trust.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("GLOW_CLUSTER_KEY_STORE_PASSWORD");
    pb.environment().remove("GLOW_CLUSTER_KEY_PASSWORD");
    pb.environment().remove("GLOW_CLUSTER_TRUST_STORE_PASSWORD");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM did not finish");
    return out;
  }

  /** The child JVM's main: loads node settings with the two store paths, prints the transport or the problems. */
  public static final class LoadSettings {
    public static void main(String[] args) {
      try {
        NodeSettings s = NodeSettings.load(Optional.empty(), Map.of("glow.node.cluster-tls.key-store", args[0],
            "glow.node.cluster-tls.trust-store", args[1]));
        System.out.println(s.akkaConfig().getString("akka.remote.artery.transport"));
      } catch (NodeSettings.Invalid e) {
        System.out.println(e.getMessage());
      }
    }
  }
}
