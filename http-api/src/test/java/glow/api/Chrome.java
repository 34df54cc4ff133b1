package glow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver JSON protocol over java.net.http
 * (no Selenium: its dependency tree does not converge with ours); one per browser test. Starts
 * its own chromedriver on a free loopback port and a browser with a fresh profile, and stops both
 * (by their process handles) on close.
 */
final class Chrome implements AutoCloseable {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--window-size=1280,1100");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Process driver;
  private final Path profile;
  private final String base;
  private final String session;

  Chrome() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    profile = Files.createTempDirectory("glow-chromium");
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".driver.log").toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        if (call("GET", "/status", null).path("value").path("ready").asBoolean()) break;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline || !driver.isAlive()) throw new IllegalStateException("chromedriver did not start");
      TimeUnit.MILLISECONDS.sleep(100); // polling interval
    }
    ObjectNode caps = Json.MAPPER.createObjectNode();
    ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    ObjectNode options = always.putObject("goog:chromeOptions");
    options.put("binary", CHROMIUM.toString());
    var args = options.putArray("args");
    FLAGS.forEach(args::add);
    args.add("--user-data-dir=" + profile);
    JsonNode created = call("POST", "/session", caps);
    session = created.path("value").path("sessionId").asText();
    if (session.isEmpty()) throw new IllegalStateException("no WebDriver session: " + created);
  }

  void open(String url) throws Exception {
    ObjectNode body = Json.MAPPER.createObjectNode().put("url", url);
    call("POST", "/session/" + session + "/url", body);
  }

  /** Runs a synchronous script in the page; its return value as JSON. */
  JsonNode script(String js) throws Exception {
    ObjectNode body = Json.MAPPER.createObjectNode().put("script", js);
    body.putArray("args");
    return call("POST", "/session/" + session + "/execute/sync", body).path("value");
  }

  /** Sets the window's outer size in CSS pixels (headless: any size, e.g. the page's whole height). */
  void resize(int width, int height) throws Exception {
    ObjectNode body = Json.MAPPER.createObjectNode().put("width", width).put("height", height);
    call("POST", "/session/" + session + "/window/rect", body);
  }

  byte[] screenshot() throws Exception {
    return Base64.getDecoder().decode(call("GET", "/session/" + session + "/screenshot", null).path("value").asText());
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.method(method, HttpRequest.BodyPublishers.ofString(Json.write(body))).header("Content-Type", "application/json");
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = Json.MAPPER.readTree(r.body());
    if (r.statusCode() >= 300) throw new IllegalStateException("WebDriver " + method + " " + path + ": " + r.body());
    return json;
  }

  @Override
  public void close() throws Exception {
    try {
      if (session != null) call("DELETE", "/session/" + session, null);
    } finally {
      driver.destroy();
      if (!driver.waitFor(10, TimeUnit.SECONDS)) driver.destroyForcibly();
      try (Stream<Path> all = Files.walk(profile)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
