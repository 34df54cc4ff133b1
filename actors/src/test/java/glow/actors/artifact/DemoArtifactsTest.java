package glow.actors.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.process.ExitStatus;
import glow.actors.process.Limits;
import glow.actors.process.OsProcessDriver;
import glow.actors.process.OutputLine;
import glow.actors.process.ProcessSpec;
import glow.actors.process.RunningProcess;
import glow.actors.process.Signal;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo artifacts the build packs into examples/artifacts, fetched and run for real. */
@Timeout(90)
class DemoArtifactsTest {
  static final Path ARTIFACTS = Path.of("..", "examples", "artifacts").toAbsolutePath().normalize();

  @TempDir Path cache;
  @TempDir Path work;
  OsProcessDriver driver;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final List<OutputLine> lines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    assertTrue(Files.isRegularFile(ARTIFACTS.resolve("web/1.0.0/web-1.0.0.tar.gz")), ARTIFACTS
        + " is filled by the build of examples/demo-apps: build it first (mvn -pl examples/demo-apps,actors ...)");
    driver = new OsProcessDriver(work.resolve("state"));
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  Map<String, String> env(int port) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("PORT_HTTP", Integer.toString(port));
    return env;
  }

  /** Polls GET url until it answers (the JVM needs a moment to start), then returns the response. */
  HttpResponse<String> getWhenUp(String url, RunningProcess p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || p.onExit().toCompletableFuture().isDone()) {
          throw new AssertionError("no answer from " + url + "; output: " + lines, notYet);
        }
        Thread.sleep(50); // polling a starting server with a deadline
      }
    }
  }

  void awaitLine(String part) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines.stream().noneMatch(l -> l.text().contains(part))) {
      if (System.nanoTime() > deadline) throw new AssertionError("no line containing '" + part + "' in " + lines);
      Thread.sleep(20); // polling captured output with a deadline
    }
  }

  RunningProcess startGreeter(String version, Path config, int port) throws Exception {
    Path dir = new ArtifactStore(ARTIFACTS.toString(), cache).fetch("greeter", version);
    ArtifactStore.requireStartScript(dir, "greeter", version);
    Map<String, String> env = env(port);
    env.put("GLOW_CONFIG", config.toString());
    env.put("GLOW_INSTANCE_ID", "greeter:" + version + "#1");
    // the limit the demo repo gives it: bin/start keeps the JVM's address space under 512M
    return driver.start(ProcessSpec.of(dir, List.of("bin/start"), env, lines::add)
        .withLimits(Limits.of(512L * 1024 * 1024, 64)));
  }

  @Test
  void greeterServesItsGreetingAndReloadsOnHup() throws Exception {
    Path config = Files.writeString(work.resolve("app.properties"), "greeting=hej\n");
    int port = freePort();
    RunningProcess p = startGreeter("1.1.0", config, port);
    HttpResponse<String> r = getWhenUp("http://127.0.0.1:" + port + "/", p);
    assertEquals(200, r.statusCode());
    assertEquals("hej from greeter:1.1.0#1 (greeter 1.1.0)\n", r.body());
    assertEquals(200, getWhenUp("http://127.0.0.1:" + port + "/healthz", p).statusCode());
    awaitLine("GET / 200");

    Files.writeString(config, "greeting=hallo\n");
    p.signal(Signal.HUP);
    awaitLine("reloaded " + config + " on SIGHUP");
    assertEquals("hallo from greeter:1.1.0#1 (greeter 1.1.0)\n", getWhenUp("http://127.0.0.1:" + port + "/", p).body());

    ExitStatus status = p.stop(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(new ExitStatus.Killed(15), status);
  }

  @Test
  void webShowsWhatTheGreeterSaidOrThatItIsUnreachable() throws Exception {
    Path config = Files.writeString(work.resolve("app.properties"), "greeting=hello\n");
    int greeterPort = freePort();
    RunningProcess greeter = startGreeter("1.0.0", config, greeterPort);
    getWhenUp("http://127.0.0.1:" + greeterPort + "/healthz", greeter);

    Path dir = new ArtifactStore(ARTIFACTS.toString(), cache).fetch("web", "1.0.0");
    int port = freePort();
    Map<String, String> env = env(port);
    env.put("GREETER_URL", "http://127.0.0.1:" + greeterPort + "/");
    RunningProcess web = driver.start(ProcessSpec.of(dir, List.of("bin/start"), env, lines::add));
    HttpResponse<String> page = getWhenUp("http://127.0.0.1:" + port + "/", web);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<h1>web 1.0.0</h1>"), page.body());
    assertTrue(page.body().contains("The greeter says: <b>hello from greeter:1.0.0#1 (greeter 1.0.0)</b>"), page.body());

    greeter.stop(Duration.ofSeconds(10)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    HttpResponse<String> error = getWhenUp("http://127.0.0.1:" + port + "/", web);
    assertEquals(502, error.statusCode());
    assertTrue(error.body().contains("is unreachable"), error.body());
    assertEquals(200, getWhenUp("http://127.0.0.1:" + port + "/healthz", web).statusCode());
  }

  @Test
  void reportPrintsALineAndExitsZero() throws Exception {
    Path dir = new ArtifactStore(ARTIFACTS.toString(), cache).fetch("greeter", "1.0.0");
    Map<String, String> env = env(0);
    env.put("GLOW_INSTANCE_ID", "greeter:1.0.0#report");
    RunningProcess p = driver.start(ProcessSpec.of(dir, List.of("bin/report"), env, lines::add));
    assertTrue(p.onExit().toCompletableFuture().get(10, TimeUnit.SECONDS).success());
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).text().matches("greeter 1\\.0\\.0 report at \\S+ from greeter:1\\.0\\.0#report: all good"),
        lines.get(0).text());
  }
}
