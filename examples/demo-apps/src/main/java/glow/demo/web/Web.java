package glow.demo.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * The web demo app: a page that shows what the greeter answered through Glow's loopback proxy;
 * one per instance process.
 *
 * <p>Environment: PORT_HTTP (port on 127.0.0.1), optional GREETER_URL (default
 * http://127.0.0.1:7001/, the loopback port the demo repo maps greeter:8080 to).
 */
public final class Web {
  private static final String VERSION = System.getProperty("web.version", "dev");

  private final URI greeter;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Web(URI greeter) {
    this.greeter = greeter;
  }

  public static void main(String[] args) throws Exception {
    String portVar = System.getenv("PORT_HTTP");
    if (portVar == null || portVar.isBlank()) {
      System.err.println("web: environment variable PORT_HTTP is not set; Glow sets it, or set it by hand");
      System.exit(2);
    }
    int port = Integer.parseInt(portVar);
    Web web = new Web(URI.create(System.getenv().getOrDefault("GREETER_URL", "http://127.0.0.1:7001/")));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.createContext("/", web::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    log("web " + VERSION + " listening on 127.0.0.1:" + port + ", asking the greeter at " + web.greeter);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int status;
    String body;
    if (path.equals("/healthz")) {
      status = 200;
      body = "ok\n";
    } else if (path.equals("/")) {
      String said;
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(greeter).timeout(Duration.ofSeconds(3)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        status = r.statusCode() == 200 ? 200 : 502;
        said = r.statusCode() == 200 ? "<p>The greeter says: <b>" + escape(r.body().trim()) + "</b></p>"
            : "<p class=\"error\">The greeter answered HTTP " + r.statusCode() + "</p>";
      } catch (IOException e) {
        status = 502;
        said = "<p class=\"error\">The greeter at " + escape(greeter.toString()) + " is unreachable: "
            + escape(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())) + "</p>";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        status = 503;
        said = "<p class=\"error\">interrupted</p>";
      }
      body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Glow demo: web</title></head>\n"
          + "<body><h1>web " + VERSION + "</h1>\n" + said + "\n</body></html>\n";
    } else {
      status = 404;
      body = "not found: " + path + "\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", path.equals("/") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
    log(ex.getRequestMethod() + " " + path + " " + status);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static void log(String line) {
    System.out.println(Instant.now() + " " + line);
  }
}
