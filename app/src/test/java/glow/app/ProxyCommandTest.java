package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** `glow proxy` run in-process over real loopback sockets: forwards, serves metrics, drains on stop. */
class ProxyCommandTest {

  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void forwardsToTheUpstreamServesPrometheusMetricsAndExitsZeroOnStop() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> echoLoop(backend), "echo-backend");
      echo.setDaemon(true);
      echo.start();
      int listen = freePort();
      int metrics = freePort();
      ProxyCommand command = new ProxyCommand();
      command.installSignalHandlers = false;
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(command);
      cli.setOut(new PrintWriter(out, true));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
          "--listen", "127.0.0.1:" + listen, "--upstream", "127.0.0.1:" + backend.getLocalPort(),
          "--balance", "least-connections", "--metrics", "127.0.0.1:" + metrics, "--drain-grace", "1s"));

      awaitTrue("the listening line", () -> out.toString().contains("listening on"));
      assertEquals("glow proxy: listening on 127.0.0.1:" + listen + " -> 127.0.0.1:" + backend.getLocalPort()
          + " (least-connections), metrics http://127.0.0.1:" + metrics + "/metrics", out.toString().trim());
      assertEquals("through the proxy", roundTrip(listen, "through the proxy"));

      HttpClient http = HttpClient.newHttpClient();
      String[] scraped = {""};
      awaitTrue("the opened connection in /metrics", () -> {
        try {
          scraped[0] = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        return scraped[0].contains("glow_proxy_connections_opened_total{");
      });
      assertTrue(scraped[0].contains("glow_proxy_request_bytes_total{"), scraped[0]);
      assertTrue(scraped[0].contains("glow_proxy_connections_active{"), scraped[0]);

      command.requestStop();
      assertEquals(0, exit.get(20, TimeUnit.SECONDS));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", listen), 1000);
        throw new AssertionError("still listening after stop");
      } catch (IOException expected) {
        // released
      }
    }
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void badFlagsExitTwoWithAMessageNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("proxy", "--listen", "127.0.0.1:7001", "--upstream", "127.0.0.1", "--connect-timeout", "1s");
    assertEquals(2, code);
    assertTrue(err.toString().startsWith("--upstream: \"127.0.0.1\" is not HOST:PORT (write e.g. 127.0.0.1:8080)"), err.toString());

    StringWriter err2 = new StringWriter();
    CommandLine cli2 = Main.commandLine();
    cli2.setErr(new PrintWriter(err2, true));
    assertEquals(2, cli2.execute("proxy", "--listen", "127.0.0.1:7001", "--upstream", "127.0.0.1:1", "--connect-timeout", "soon"));
    assertTrue(err2.toString().startsWith("--connect-timeout: \"soon\" is not a duration (write e.g. 500ms, 2s, 5m, 1h)"), err2.toString());

    StringWriter err3 = new StringWriter();
    CommandLine cli3 = Main.commandLine();
    cli3.setErr(new PrintWriter(err3, true));
    assertEquals(2, cli3.execute("proxy", "--listen", "127.0.0.1:7001", "--upstream", "127.0.0.1:1", "--balance", "fastest"));
    assertTrue(err3.toString().startsWith("--balance: unknown balancer \"fastest\""), err3.toString());
  }

  private static void echoLoop(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> {
          try (s) {
            s.getInputStream().transferTo(s.getOutputStream());
            s.shutdownOutput();
          } catch (IOException ignored) {
            // client gone
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String roundTrip(int port, String text) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20); // polling interval
    }
  }
}
