package glow.demo.greeter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * The greeter demo app: answers GET / with the greeting from its config file and its instance id,
 * and reloads the file on SIGHUP; one per instance process.
 *
 * <p>Environment (set by Glow): PORT_HTTP (port on 127.0.0.1), GLOW_CONFIG (a properties file with
 * {@code greeting=...}), GLOW_INSTANCE_ID. The version comes from -Dgreeter.version, which the
 * artifact's bin/start sets.
 */
public final class Greeter {
  private final String version;
  private final String instanceId;
  private final Path config;
  private volatile String greeting;

  private Greeter(String version, String instanceId, Path config) {
    this.version = version;
    this.instanceId = instanceId;
    this.config = config;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(required("PORT_HTTP"));
    Greeter g = new Greeter(System.getProperty("greeter.version", "dev"),
        System.getenv().getOrDefault("GLOW_INSTANCE_ID", "unknown"), Path.of(required("GLOW_CONFIG")));
    g.reload();
    // sun.misc.Signal: the JDK's only way to catch HUP without native code
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
      try {
        g.reload();
        log("reloaded " + g.config + " on SIGHUP: greeting is now \"" + g.greeting + "\"");
      } catch (IOException e) {
        log("cannot reload " + g.config + " on SIGHUP, keeping \"" + g.greeting + "\": " + e.getMessage());
      }
    });
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.createContext("/", g::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    log("greeter " + g.version + " (" + g.instanceId + ") listening on 127.0.0.1:" + port + ", greeting \"" + g.greeting + "\"");
  }

  private void reload() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    greeting = p.getProperty("greeting", "hello");
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int status;
    String body;
    if (path.equals("/healthz")) {
      status = 200;
      body = "ok\n";
    } else if (path.equals("/")) {
      status = 200;
      body = greeting + " from " + instanceId + " (greeter " + version + ")\n";
    } else {
      status = 404;
      body = "not found: " + path + "\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
    log(ex.getRequestMethod() + " " + path + " " + status);
  }

  private static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      System.err.println("greeter: environment variable " + name + " is not set; Glow sets it, or set it by hand");
      System.exit(2);
    }
    return v;
  }

  static void log(String line) {
    System.out.println(Instant.now() + " " + line);
  }
}
