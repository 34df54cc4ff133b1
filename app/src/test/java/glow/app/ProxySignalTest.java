package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glow proxy} in its own JVM, stopped with a real SIGTERM, several times in a row: each run
 * exits 0 within a few seconds, idle or with a connection still open through it (cut at the drain
 * grace).
 */
class ProxySignalTest {
  @TempDir Path tmp;

  @Test
  @Timeout(120)
  void sigtermStopsTheProxyWithExitZeroWithinSecondsEveryTime() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread accept = new Thread(() -> holdConnections(backend), "backend");
      accept.setDaemon(true);
      accept.start();
      for (int run = 0; run < 4; run++) {
        boolean withOpenConnection = run % 2 == 1;
        Path log = tmp.resolve("proxy-" + run + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int listen;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          listen = probe.getLocalPort(); // --listen takes no port 0: a port free a moment ago
        }
        Process proxy = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy",
            "--listen", "127.0.0.1:" + listen, "--upstream", "127.0.0.1:" + backend.getLocalPort(), "--drain-grace", "1s")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
          int port = awaitListening(proxy, log);
          Socket client = null;
          if (withOpenConnection) {
            client = new Socket("127.0.0.1", port);
            OutputStream out = client.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = client.getInputStream();
            assertEquals('h', in.read(), "the backend echoes the first byte"); // the connection is through
          }
          long start = System.nanoTime();
          proxy.destroy(); // SIGTERM
          assertTrue(proxy.waitFor(15, TimeUnit.SECONDS), "run " + run + " still running 15 s after SIGTERM:\n" + Files.readString(log));
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertEquals(0, proxy.exitValue(), Files.readString(log));
          System.out.println("glow proxy run " + run + (withOpenConnection ? " (open connection)" : "") + ": exit 0 "
              + took.toMillis() + " ms after SIGTERM");
          // 1 s drain grace for an open connection, then the actor system and Kamon stop
          assertTrue(took.compareTo(Duration.ofSeconds(withOpenConnection ? 6 : 5)) < 0, "run " + run + " took " + took);
          if (client != null) client.close();
        } finally {
          proxy.destroyForcibly();
        }
      }
    }
  }

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private static int awaitListening(Process proxy, Path log) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) return Integer.parseInt(m.group(1));
      if (Instant.now().isAfter(deadline) || !proxy.isAlive()) throw new AssertionError("not listening:\n" + Files.readString(log));
      TimeUnit.MILLISECONDS.sleep(50); // poll period
    }
  }

  /** Accepts connections and echoes one byte on each, then keeps it open until the peer closes. */
  private static void holdConnections(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> {
          try (s) {
            int b = s.getInputStream().read();
            if (b >= 0) s.getOutputStream().write(b);
            s.getOutputStream().flush();
            while (s.getInputStream().read() >= 0) {
              // keep the connection open until the proxy or client closes it
            }
          } catch (java.io.IOException closed) {
            // the proxy cut it
          }
        }, "backend-connection");
        t.setDaemon(true);
        t.start();
      } catch (java.io.IOException closed) {
        return;
      }
    }
  }
}
