package glow.proxy;

import static glow.proxy.TestProxies.bind;
import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What one proxied connection does: bytes, half-close, idle timeout, limits, drain, odd backends. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionBehaviourTest {
  static final ActorTestKit testKit = TestProxies.testKit();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  @Test void carriesSeveralMegabytesIntactBothWays() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO)) {
      ProxyBinding b = bind(testKit, upstream("u-bulk", UpstreamSettings.defaults(), echo.endpoint()));
      byte[] data = new byte[8 * 1024 * 1024];
      new Random(42).nextBytes(data);
      try (Socket s = Client.connect(b.localAddress())) {
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
          try {
            byte[] back = new byte[data.length];
            new DataInputStream(s.getInputStream()).readFully(back);
            assertEquals(-1, s.getInputStream().read());
            return back;
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        OutputStream out = s.getOutputStream();
        for (int off = 0; off < data.length; off += 100_000) out.write(data, off, Math.min(100_000, data.length - off));
        s.shutdownOutput();
        byte[] back = received.get(20, TimeUnit.SECONDS);
        assertArrayEquals(sha256(data), sha256(back));
      }
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void halfClosedDownstreamStillReadsTheWholeAnswer() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.SLOW_ECHO)) {
      ProxyBinding b = bind(testKit, upstream("u-half", UpstreamSettings.defaults(), echo.endpoint()));
      try (Socket s = Client.connect(b.localAddress())) {
        s.getOutputStream().write("question".getBytes(StandardCharsets.UTF_8));
        s.shutdownOutput(); // the answer comes 100 ms later, after our FIN reached the backend
        assertEquals("question", Client.readAll(s.getInputStream()));
      }
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void backendThatClosesAtOnceEndsTheDownstreamWithEof() throws Exception {
    // The backend sends FIN right after accepting: the downstream sees EOF and the connection ends.
    try (Backend closer = Backend.start(Backend.Mode.CLOSE_AT_ONCE)) {
      ProxyBinding b = bind(testKit, upstream("u-close", UpstreamSettings.defaults(), closer.endpoint()));
      try (Socket s = Client.connect(b.localAddress())) {
        assertEquals(-1, s.getInputStream().read());
      }
      TestProxies.await("connection ended", Duration.ofSeconds(5), () -> b.activeConnections() == 0);
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void closesAConnectionIdleLongerThanTheIdleTimeout() throws Exception {
    try (Backend hang = Backend.start(Backend.Mode.HANG)) {
      ListenerSettings ls = ListenerSettings.of("idle", "127.0.0.1", 0).withIdleTimeout(Duration.ofMillis(500));
      ProxyBinding b = bind(testKit, ls, upstream("u-idle", UpstreamSettings.defaults(), hang.endpoint()), null);
      try (Socket s = Client.connect(b.localAddress())) {
        s.getOutputStream().write("anyone?".getBytes(StandardCharsets.UTF_8));
        long start = System.nanoTime();
        int r;
        try {
          r = s.getInputStream().read();
        } catch (java.net.SocketException reset) {
          r = -1; // the idle timeout aborts the connection: a reset is a close too
        }
        long waited = System.nanoTime() - start;
        assertEquals(-1, r);
        assertTrue(waited >= Duration.ofMillis(400).toNanos(), "closed after " + waited / 1_000_000 + " ms");
      }
      TestProxies.await("connection ended", Duration.ofSeconds(5), () -> b.activeConnections() == 0);
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void closesConnectionsBeyondTheLimitAtOnce() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO)) {
      ListenerSettings ls = ListenerSettings.of("limit", "127.0.0.1", 0).withMaxConnections(2);
      ProxyBinding b = bind(testKit, ls, upstream("u-limit", UpstreamSettings.defaults(), echo.endpoint()), null);
      try (Socket one = Client.connect(b.localAddress()); Socket two = Client.connect(b.localAddress())) {
        for (Socket s : new Socket[] {one, two}) {
          s.getOutputStream().write('a');
          assertEquals('a', s.getInputStream().read());
        }
        try (Socket three = Client.connect(b.localAddress())) {
          assertEquals(-1, three.getInputStream().read(), "the third connection is closed at once");
        }
        assertEquals(2, echo.accepted.get());
        assertEquals(2, b.activeConnections());
      }
      TestProxies.await("slots free", Duration.ofSeconds(5), () -> b.activeConnections() == 0);
      assertEquals("again", Client.roundTrip(b.localAddress(), "again"));
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void drainStopsAcceptingLetsOpenConnectionsFinishThenClosesTheRest() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO)) {
      ProxyBinding b = bind(testKit, upstream("u-drain", UpstreamSettings.defaults(), echo.endpoint()));
      try (Socket finishing = Client.connect(b.localAddress()); Socket lingering = Client.connect(b.localAddress())) {
        for (Socket s : new Socket[] {finishing, lingering}) {
          s.getOutputStream().write('a');
          assertEquals('a', s.getInputStream().read());
        }
        long start = System.nanoTime();
        CompletionStage<Done> drained = b.drain(Duration.ofMillis(800));
        TestProxies.await("port released", Duration.ofSeconds(5), () -> {
          try (Socket refused = new Socket()) {
            refused.connect(b.localAddress(), 500);
            return false;
          } catch (java.io.IOException e) {
            return true;
          }
        });
        // An open connection keeps working during the grace and finishes by itself.
        finishing.getOutputStream().write('b');
        assertEquals('b', finishing.getInputStream().read());
        finishing.shutdownOutput();
        assertEquals(-1, finishing.getInputStream().read());
        // The lingering one is closed when the grace runs out.
        InputStream in = lingering.getInputStream();
        lingering.setSoTimeout(5000);
        int r;
        try {
          r = in.read();
        } catch (SocketTimeoutException e) {
          throw new AssertionError("lingering connection was not closed after the grace");
        }
        assertEquals(-1, r);
        drained.toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(700).toNanos());
        assertEquals(0, b.activeConnections());
      }
    }
  }

  @Test void waitsForASlowBackend() throws Exception {
    try (Backend slow = Backend.start(Backend.Mode.SLOW_ECHO)) {
      ProxyBinding b = bind(testKit, upstream("u-slow", UpstreamSettings.defaults(), slow.endpoint()));
      try (Socket s = Client.connect(b.localAddress())) {
        for (int i = 0; i < 3; i++) {
          s.getOutputStream().write(("r" + i).getBytes(StandardCharsets.UTF_8));
          byte[] got = new byte[2];
          new DataInputStream(s.getInputStream()).readFully(got);
          assertEquals("r" + i, new String(got, StandardCharsets.UTF_8));
        }
      }
      b.unbind().toCompletableFuture().join();
    }
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}
