package glow.actors.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes TLS key and trust stores for test nodes with the JDK's own keytool (real processes), the
 * same commands docs/cluster.md gives operators; one instance per directory of stores, and one
 * {@link #shared()} set per test JVM.
 */
final class TestKeyStores {
  static final String PASSWORD = "test-store-pass";
  // keytool is a short-lived JVM: C1 only and the serial GC make each run ~40% faster here
  private static final List<String> FAST_JVM = List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC");
  private static TestKeyStores shared;

  private final Path dir;

  /**
   * One set for every test class of this JVM (each keytool run costs about a second on a busy
   * machine): a CA, its trust store, n1.p12 and n2.p12 signed for 127.0.0.1, and n3-self.p12 with
   * n3-self-trust.p12, a key no CA vouches for. Deleted when the JVM exits.
   */
  static synchronized TestKeyStores shared() throws IOException, InterruptedException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("glow-test-tls");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteAll(dir)));
      TestKeyStores stores = new TestKeyStores(dir).ca();
      stores.node("n1", "127.0.0.1");
      stores.node("n2", "127.0.0.1");
      stores.selfSigned("n3");
      shared = stores;
    }
    return shared;
  }

  private static void deleteAll(Path dir) {
    try (var files = Files.list(dir)) {
      files.forEach(f -> f.toFile().delete());
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover temp dir is harmless; the JVM is exiting
    }
  }

  TestKeyStores(Path dir) {
    this.dir = dir;
  }

  /** Creates a CA (ca.p12, ca.crt) and the trust store trusting it (trust.p12). */
  TestKeyStores ca() throws IOException, InterruptedException {
    keytool("-genkeypair", "-alias", "glow-ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=glow-ca",
        "-ext", "bc:c", "-validity", "3650", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "glow-ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.crt");
    keytool("-importcert", "-noprompt", "-alias", "glow-ca", "-file", "ca.crt", "-keystore", "trust.p12",
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    return this;
  }

  /** Creates NAME.p12: a key for node NAME whose certificate the CA signs for IP {@code ip}, with the chain. */
  Path node(String name, String ip) throws IOException, InterruptedException {
    String store = name + ".p12";
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
    keytool("-gencert", "-rfc", "-alias", "glow-ca", "-keystore", "ca.p12", "-storepass", PASSWORD,
        "-infile", name + ".csr", "-outfile", name + ".crt", "-validity", "825", "-ext", "san=ip:" + ip,
        "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth,clientAuth");
    // the reply: the node certificate followed by the CA's, so the store holds the whole chain
    Files.writeString(dir.resolve(name + "-chain.crt"),
        Files.readString(dir.resolve(name + ".crt")) + Files.readString(dir.resolve("ca.crt")));
    keytool("-importcert", "-noprompt", "-alias", name, "-file", name + "-chain.crt", "-keystore", store,
        "-storepass", PASSWORD);
    return dir.resolve(store);
  }

  /** Creates NAME-self.p12 (a self-signed key no CA vouches for) and NAME-self-trust.p12 trusting only it. */
  Path selfSigned(String name) throws IOException, InterruptedException {
    String store = name + "-self.p12";
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "san=ip:127.0.0.1", "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", name + "-self.crt");
    keytool("-importcert", "-noprompt", "-alias", name, "-file", name + "-self.crt", "-keystore",
        name + "-self-trust.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    return dir.resolve(store);
  }

  Path trustStore() {
    return dir.resolve("trust.p12");
  }

  Path dir() {
    return dir;
  }

  /** The node overrides that turn on cluster TLS with these files and the test password. */
  static Map<String, String> overrides(Path keyStore, Path trustStore) {
    return Map.of(
        "glow.node.cluster-tls.key-store", keyStore.toString(),
        "glow.node.cluster-tls.key-store-password", PASSWORD,
        "glow.node.cluster-tls.trust-store", trustStore.toString(),
        "glow.node.cluster-tls.trust-store-password", PASSWORD);
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(FAST_JVM);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool " + String.join(" ", args) + " did not finish in 30 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " exited " + p.exitValue() + ": " + output);
    }
  }
}
