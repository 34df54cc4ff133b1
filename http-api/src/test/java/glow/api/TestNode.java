package glow.api;

import com.typesafe.config.ConfigFactory;
import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.SupervisorTiming;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.actors.node.NodeSettings;
import glow.actors.node.TestArtifacts;
import glow.actors.process.OsProcessDriver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kamon.Kamon;

/**
 * A real one-node Glow cluster for API tests: a plain-directory repo in a temp dir, the demo
 * greeter (a JVM HTTP app) and a shell "ticker" that prints a line every 200 ms and reaches the
 * greeter through a loopback proxy port, two exposes of the greeter on the first node (tcp, and http
 * for host greeter.test), the real process driver, and the API on 127.0.0.1:0;
 * one per test class.
 */
final class TestNode implements AutoCloseable {
  static final String TOKEN = "test-token-7f3a";
  static final int RETENTION_BYTES = 400;

  final Path tmp;
  final Path data;
  private final boolean ownsKamon;
  final Path repo;
  final int greeterPort;
  /** The ticker's loopback port for greeter:http. */
  final int local;
  /** The public ports of expose/greeter-tcp (tcp mode) and expose/greeter-site (http mode, host greeter.test). */
  final int tcpExpose;
  final int httpExpose;
  final OsProcessDriver driver;
  final NodeLogHub logs;
  final NodeServices services;
  final GlowNode node;
  final GlowApi api;

  TestNode(String name) throws Exception {
    this(name, name, null);
  }

  /**
   * @param tickerNode the node the repo places ticker#1 on (greeter#1 is always on the first node)
   * @param seed a running test node to join, sharing its repo and artifacts; null to start a cluster
   */
  TestNode(String name, String tickerNode, TestNode seed) throws Exception {
    this(name, tickerNode, seed, Map.of());
  }

  /** @param extra more node settings (HOCON paths to values), e.g. Artery's test mode */
  TestNode(String name, String tickerNode, TestNode seed, Map<String, String> extra) throws Exception {
    ownsKamon = seed == null;
    // Kamon ticks every second so that /metrics moves within a test
    if (ownsKamon) {
      Kamon.initWithoutAttaching(ConfigFactory.parseString("kamon.metric.tick-interval = 1s\n"
          + "kamon.prometheus.start-embedded-http-server = no").withFallback(ConfigFactory.load()));
    }
    tmp = Files.createTempDirectory("glow-api");
    data = tmp.resolve("data");
    Path artifacts = seed != null ? seed.tmp.resolve("artifacts") : tmp.resolve("artifacts");
    if (seed != null) {
      repo = seed.repo;
      greeterPort = seed.greeterPort;
      local = seed.local;
      tcpExpose = seed.tcpExpose;
      httpExpose = seed.httpExpose;
    } else {
      repo = Files.createDirectories(tmp.resolve("repo"));
      greeterPort = freePort();
      local = freePort();
      tcpExpose = freePort();
      httpExpose = freePort();
      writeRepo(artifacts, name, tickerNode);
    }
    Map<String, String> o = new HashMap<>();
    o.put("name", name);
    o.put("cluster-port", "0");
    o.put("exit-jvm-on-shutdown", "off");
    o.put("repo", repo.toString());
    o.put("data-dir", data.toString());
    o.put("artifacts", artifacts.toString());
    o.put("sync-interval", "1s");
    o.put("api", "127.0.0.1:0");
    o.put("glow.api.tokens", TOKEN);
    if (seed != null) o.put("seeds", seed.node.cluster().selfMember().address().host().get() + ":"
        + seed.node.cluster().selfMember().address().port().get());
    o.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    o.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    o.put("akka.management.http.hostname", "127.0.0.1");
    // tiny files, so that rotation happens within a test (the ticker writes ~45 bytes every 200 ms)
    o.put("glow.logs.retention.max-bytes", String.valueOf(RETENTION_BYTES));
    o.put("glow.logs.retention.keep", "1");
    o.putAll(extra);
    NodeSettings settings = NodeSettings.load(Optional.empty(), o);
    driver = new OsProcessDriver(data.resolve("processes"));
    driver.reapLeftovers();
    logs = new NodeLogHub(5000, 5000);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(artifacts.toString(),
        data.resolve("artifact-cache")), logs, SupervisorTiming.fast(),
        ListenersSettings.defaults().withDrainGrace(Duration.ofMillis(200)), env));
    node = GlowNode.start(settings, services);
    api = GlowApi.start(node, services, logs, ApiSettings.of(settings));
  }

  private void writeRepo(Path artifacts, String name, String tickerNode) throws IOException {
    TestArtifacts.copyDemo(artifacts, "greeter", "1.0.0");
    TestArtifacts.tarGz(artifacts, "ticker", "1.0.0", Map.of("bin/start", """
        #!/bin/sh
        echo "ticker started pid $$"
        n=0
        while true; do n=$((n+1)); echo "tick $n"; sleep 0.2; done
        """));
    write("apps/greeter.yaml", "image: greeter\nversion: 1.0.0\ncommand: [bin/start]\nprovides: {http: " + greeterPort + "}\n"
        + "config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}\n"
        + "health: {port: http, http: /healthz, interval: 300ms, timeout: 1s}\n");
    write("configs/greeter.properties", "greeting=Hello\n");
    write("deployments/greeter-1.yaml", "app: greeter\nnode: " + name + "\ninstance: 1\n");
    write("apps/ticker.yaml", "image: ticker\nversion: 1.0.0\nrequires:\n  - greeter:http -> " + local + "\n");
    write("deployments/ticker-1.yaml", "app: ticker\nnode: " + tickerNode + "\ninstance: 1\n");
    // public listeners on the first node, both to the greeter
    write("expose/greeter-tcp.yaml", "listen: 127.0.0.1:" + tcpExpose + "\nnodes: [" + name + "]\ntarget: greeter:http\n");
    write("expose/greeter-site.yaml", "listen: 127.0.0.1:" + httpExpose + "\nnodes: [" + name + "]\nmode: http\n"
        + "target: greeter:http\nhosts: [greeter.test]\npath: /\n");
  }

  /** The node settings that let {@link #cutOff} drop this node's traffic with another (Artery's test mode). */
  static final Map<String, String> CUTTABLE = Map.of("akka.remote.artery.advanced.test-mode", "on");

  /**
   * Drops (or lets through again) every message between this node and {@code other}, both ways, as
   * a network partition would: both failure detectors then call the other unreachable. This node
   * must have been started with {@link #CUTTABLE}.
   */
  void cutOff(TestNode other, boolean cut) throws Exception {
    akka.remote.RARP rarp = (akka.remote.RARP) akka.remote.RARP.get(node.system().classicSystem());
    akka.remote.testkit.SetThrottle command = new akka.remote.testkit.SetThrottle(
        other.node.cluster().selfMember().address(), akka.remote.testkit.Direction.Both$.MODULE$,
        cut ? akka.remote.testkit.Blackhole$.MODULE$ : akka.remote.testkit.Unthrottled$.MODULE$);
    scala.jdk.javaapi.FutureConverters.asJava(rarp.provider().transport().managementCommand(command))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  String url(String path) {
    return api.url() + path;
  }

  void write(String path, String text) throws IOException {
    Path p = repo.resolve(path);
    Files.createDirectories(p.getParent());
    Path t = p.resolveSibling(p.getFileName() + ".tmp");
    Files.writeString(t, text);
    Files.move(t, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws Exception {
    api.close();
    node.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    driver.close();
    logs.close();
    if (ownsKamon) scala.jdk.javaapi.FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Stream<Path> all = Files.walk(tmp)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One HTTP/1.1 GET over a plain socket (java.net.http will not set Host), the whole answer as text. */
  static String rawGet(int port, String host) throws IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A port p such that p and p + 1 are free now (for two instances with port-offset 0 and 1). */
  static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = freePort();
      try (ServerSocket next = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException taken) {
        // p + 1 is in use: try another p
      }
    }
    throw new IOException("no two free ports in a row in 50 tries");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
