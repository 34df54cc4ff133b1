package glow.app.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The app that {@link ThreeNodeClusterTest} deploys: one per instance process, it answers {@code GET /}
 * with {@code "<node> <instance id> artifact <version>"} and {@code GET /healthz} with {@code ok}.
 *
 * <p>Started by the artifact's {@code bin/start} ({@link ClusterArtifacts}) in a small JVM (32 MB heap,
 * Serial GC, C1 only): the node's name and instance id come from the environment Glow sets, the
 * version from {@code -Dhello.version}, which the artifact bakes in, so an answer proves which
 * artifact runs where. Its only argument is the instance's working directory, so that the test can
 * find every process of an instance by its command line. Only JDK classes: the artifact's class path
 * is just the test-classes directory.
 */
public final class HelloInstance {
  private HelloInstance() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv("PORT_HTTP"));
    byte[] answer = (System.getenv("GLOW_NODE") + " " + System.getenv("GLOW_INSTANCE_ID") + " artifact "
        + System.getProperty("hello.version", "?") + "\n").getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
    server.createContext("/", ex -> reply(ex, ex.getRequestURI().getPath().equals("/healthz") ? "ok\n".getBytes(StandardCharsets.UTF_8) : answer));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    // On TERM (Glow's stop, after it deregistered the instance and drained) finish the exchanges in
    // flight, at most 1 s, rather than reset them.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    System.out.println("hello listening on 127.0.0.1:" + port + ": " + new String(answer, StandardCharsets.UTF_8).trim());
  }

  private static void reply(HttpExchange ex, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
