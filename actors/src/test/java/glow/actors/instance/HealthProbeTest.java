package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health checks against small real servers on 127.0.0.1, one per answer. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HealthProbeTest {
  static final Duration TIMEOUT = Duration.ofMillis(500);
  HttpServer http;
  int port;

  @BeforeEach
  void setUp() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    http.createContext("/ok", ex -> answer(ex, 200));
    http.createContext("/moved", ex -> {
      ex.getResponseHeaders().set("Location", "/ok");
      answer(ex, 302);
    });
    http.createContext("/sick", ex -> answer(ex, 503));
    http.start();
    port = http.getAddress().getPort();
  }

  static void answer(com.sun.net.httpserver.HttpExchange ex, int status) throws IOException {
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  @AfterEach
  void tearDown() {
    http.stop(0);
  }

  @Test
  void twoHundredAndThreeHundredAreHealthy() {
    assertNull(HealthProbe.check("127.0.0.1", port, "/ok", TIMEOUT));
    assertNull(HealthProbe.check("127.0.0.1", port, "/moved", TIMEOUT));
  }

  @Test
  void fiveHundredThreeIsNot() {
    assertEquals("GET http://127.0.0.1:" + port + "/sick: HTTP 503", HealthProbe.check("127.0.0.1", port, "/sick", TIMEOUT));
  }

  @Test
  void tcpCheckPassesWhenSomethingListens() {
    assertNull(HealthProbe.check("127.0.0.1", port, null, TIMEOUT));
  }

  @Test
  void refusedConnectFailsBothKinds() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertTrue(HealthProbe.check("127.0.0.1", closed, null, TIMEOUT).startsWith("connect to 127.0.0.1:" + closed + ": "));
    assertTrue(HealthProbe.check("127.0.0.1", closed, "/ok", TIMEOUT).startsWith("GET http://127.0.0.1:" + closed + "/ok: "));
  }

  @Test
  void aServerThatAcceptsAndNeverAnswersTimesOut() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long t0 = System.nanoTime();
      String failure = HealthProbe.check("127.0.0.1", silent.getLocalPort(), "/healthz", TIMEOUT);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("GET http://127.0.0.1:" + silent.getLocalPort() + "/healthz: no answer within 500 ms", failure);
      assertTrue(ms >= 450 && ms < 3000, "took " + ms + " ms");
    }
  }

  @Test
  void somethingThatIsNotHttpFails() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket c = s.accept()) {
          c.getOutputStream().write("SSH-2.0-OpenSSH\r\n".getBytes());
          c.getInputStream().read();
        } catch (IOException ignored) {
          // the probe closed first
        }
      });
      t.start();
      assertEquals("GET http://127.0.0.1:" + s.getLocalPort() + "/healthz: not an HTTP response (\"SSH-2.0-OpenSSH\")",
          HealthProbe.check("127.0.0.1", s.getLocalPort(), "/healthz", TIMEOUT));
      t.join(5000);
    }
  }
}
