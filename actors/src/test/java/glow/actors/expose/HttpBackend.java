package glow.actors.expose;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (port 0) answering every request with its name, the path and
 * the Host and X-Forwarded-* headers it received, one per line; one per backend a test needs.
 */
final class HttpBackend implements AutoCloseable {
  final String name;
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;

  HttpBackend(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "http-backend-" + name);
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      var h = ex.getRequestHeaders();
      String body = "backend " + name + "\npath " + ex.getRequestURI() + "\nhost " + h.getFirst("Host")
          + "\nx-forwarded-for " + h.getFirst("X-Forwarded-For") + "\nx-forwarded-proto " + h.getFirst("X-Forwarded-Proto")
          + "\nx-forwarded-host " + h.getFirst("X-Forwarded-Host") + "\n";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
