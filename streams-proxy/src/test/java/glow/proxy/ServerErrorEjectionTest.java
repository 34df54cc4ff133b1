package glow.proxy;

import static glow.proxy.TestProxies.bind;
import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP sniffer's 5xx hook counts towards passive ejection of the endpoint that answered. */
class ServerErrorEjectionTest {
  static final ActorTestKit testKit = TestProxies.testKit();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  /** A keep-alive HTTP/1.1 server answering every request with {@code status} and an empty body. */
  private static Thread serve(ServerSocket server, int status) {
    Thread t = new Thread(() -> {
      try (Socket s = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.isEmpty()) {
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        }
      } catch (IOException e) {
        // closed
      }
    }, "http-" + status);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void consecutive5xxAnswersOnOneConnectionEjectTheEndpoint() throws Exception {
    try (ServerSocket failing = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
         ServerSocket other = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      serve(failing, 503);
      Endpoint bad = new Endpoint("127.0.0.1", failing.getLocalPort());
      Endpoint good = new Endpoint("127.0.0.1", other.getLocalPort());
      Upstream u = upstream("u-5xx", UpstreamSettings.defaults()
          .withEjection(3, Duration.ofSeconds(30), Duration.ofSeconds(30), 50), bad, good);
      ProxyBinding b = bind(testKit, u);
      try (Socket c = new Socket(b.localAddress().getAddress(), b.localAddress().getPort())) {
        c.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
        for (int i = 0; i < 3; i++) {
          assertFalse(u.stateOf(bad).ejected(), "ejected after " + i + " answers");
          c.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          assertEquals("HTTP/1.1 503 X", in.readLine(), "round-robin sent the first connection to the failing endpoint");
          assertEquals("Content-Length: 0", in.readLine());
          assertEquals("", in.readLine());
        }
        TestProxies.await("the 5xx endpoint is ejected", Duration.ofSeconds(5), () -> u.stateOf(bad).ejected());
        assertTrue(u.pool().available().stream().noneMatch(s -> s.endpoint().equals(bad)));
      }
      b.unbind().toCompletableFuture().join();
    }
  }
}
