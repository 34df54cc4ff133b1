package glow.proxy.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.proxy.sniff.KamonValues;
import glow.proxy.sniff.WithKamon;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import kamon.tag.TagSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(WithKamon.class)
@Timeout(30)
class UdpProxyTest {
  private static UdpProxy.Settings settings(String listener, Duration idle, int maxSessions) {
    return new UdpProxy.Settings(listener, "stats:8125", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), idle, maxSessions);
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.setSoTimeout(5_000);
    return s;
  }

  private static void send(DatagramSocket from, InetSocketAddress to, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    from.send(new DatagramPacket(b, b.length, to));
  }

  private static String receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[65_535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll every 5 ms until the deadline
    }
  }

  private static TagSet tags(String listener) {
    return TagSet.builder().add("listener", listener).add("upstream", "stats:8125").build();
  }

  /** An endpoint supplier that takes the backends in turn and counts its calls. */
  private static final class RoundRobin implements Supplier<InetSocketAddress> {
    final AtomicInteger calls = new AtomicInteger();
    private final List<EchoBackend> backends;

    RoundRobin(EchoBackend... backends) {
      this.backends = List.of(backends);
    }

    @Override
    public InetSocketAddress get() {
      return backends.get(calls.getAndIncrement() % backends.size()).address();
    }
  }

  @Test
  void repliesReachTheClientThatAskedWhenTwoClientsTalkAtOnce() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
         EchoBackend b = new EchoBackend("b");
         DatagramSocket c1 = client();
         DatagramSocket c2 = client()) {
      RoundRobin endpoints = new RoundRobin(a, b);
      try (UdpProxy proxy = UdpProxy.start(settings("two-clients", Duration.ofSeconds(60), 16), endpoints)) {
        InetSocketAddress to = proxy.localAddress();
        Set<String> got1 = new HashSet<>();
        Set<String> got2 = new HashSet<>();
        for (int i = 0; i < 50; i++) {
          send(c1, to, "one-" + i);
          send(c2, to, "two-" + i);
          got1.add(receive(c1));
          got2.add(receive(c2));
        }
        Set<String> want1 = new HashSet<>();
        Set<String> want2 = new HashSet<>();
        for (int i = 0; i < 50; i++) {
          want1.add("a:one-" + i); // first session went to backend a, the second to b
          want2.add("b:two-" + i);
        }
        assertEquals(want1, got1);
        assertEquals(want2, got2);
        assertEquals(2, endpoints.calls.get(), "the endpoint is chosen once per session");
        assertEquals(2, proxy.activeSessions());
        assertEquals(1, a.senders.size(), "one upstream socket per session");
        assertEquals(1, b.senders.size());
        TagSet t = tags("two-clients");
        // counters move just after a datagram leaves, so the last one may still be on its way
        await("100 upstream datagrams", () -> KamonValues.counter(UdpMetrics.DATAGRAMS, t.withTag("direction", "upstream")) == 100);
        await("100 downstream datagrams", () -> KamonValues.counter(UdpMetrics.DATAGRAMS, t.withTag("direction", "downstream")) == 100);
        long payload = 2 * (10 * 5 + 40 * 6); // "one-0".."one-49" and "two-…" lengths
        await("upstream bytes", () -> KamonValues.counter(UdpMetrics.BYTES, t.withTag("direction", "upstream")) == payload);
        await("downstream bytes",
            () -> KamonValues.counter(UdpMetrics.BYTES, t.withTag("direction", "downstream")) == payload + 100 * 2);
        assertEquals(2.0, KamonValues.gauge(UdpMetrics.SESSIONS, t));
      }
    }
  }

  @Test
  void idleSessionsExpireAndTheNextDatagramStartsANewOne() throws Exception {
    try (EchoBackend a = new EchoBackend("a"); DatagramSocket c = client()) {
      RoundRobin endpoints = new RoundRobin(a);
      try (UdpProxy proxy = UdpProxy.start(settings("idle", Duration.ofMillis(200), 16), endpoints)) {
        send(c, proxy.localAddress(), "hello");
        assertEquals("a:hello", receive(c));
        assertEquals(1, proxy.activeSessions());
        await("the idle session to expire", () -> proxy.activeSessions() == 0);
        assertEquals(0.0, KamonValues.gauge(UdpMetrics.SESSIONS, tags("idle")));
        send(c, proxy.localAddress(), "again");
        assertEquals("a:again", receive(c));
        assertEquals(2, endpoints.calls.get());
        assertEquals(2, a.senders.size(), "the new session has a new upstream socket");
      }
    }
  }

  @Test
  void aNewClientBeyondTheSessionBoundIsDroppedAndCounted() throws Exception {
    try (EchoBackend a = new EchoBackend("a"); DatagramSocket c1 = client(); DatagramSocket c2 = client()) {
      try (UdpProxy proxy = UdpProxy.start(settings("bounded", Duration.ofSeconds(60), 1), new RoundRobin(a))) {
        send(c1, proxy.localAddress(), "first");
        assertEquals("a:first", receive(c1));
        send(c2, proxy.localAddress(), "second");
        TagSet full = tags("bounded").withTag("reason", "sessions-full");
        await("the drop to be counted", () -> KamonValues.counter(UdpMetrics.DROPS, full) == 1);
        send(c1, proxy.localAddress(), "third");
        assertEquals("a:third", receive(c1), "the existing session still works");
        assertEquals(2, a.received.get(), "the dropped datagram never reached the backend");
        assertEquals(1, proxy.activeSessions());
      }
    }
  }

  @Test
  void noEndpointDropsTheDatagram() throws Exception {
    try (DatagramSocket c = client();
         UdpProxy proxy = UdpProxy.start(settings("no-endpoint", Duration.ofSeconds(60), 4), () -> null)) {
      send(c, proxy.localAddress(), "lost");
      TagSet t = tags("no-endpoint").withTag("reason", "no-endpoint");
      await("the drop to be counted", () -> KamonValues.counter(UdpMetrics.DROPS, t) == 1);
      assertEquals(0, proxy.activeSessions());
    }
  }

  @Test
  void closeReleasesThePortAndStopsTheThread() throws Exception {
    try (EchoBackend a = new EchoBackend("a"); DatagramSocket c = client()) {
      UdpProxy proxy = UdpProxy.start(settings("closing", Duration.ofSeconds(60), 4), new RoundRobin(a));
      InetSocketAddress bound = proxy.localAddress();
      send(c, bound, "x");
      assertEquals("a:x", receive(c));
      proxy.close();
      assertEquals(0, proxy.activeSessions());
      assertEquals(0.0, KamonValues.gauge(UdpMetrics.SESSIONS, tags("closing")));
      assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("glow-udp-closing")),
          "the selector thread has ended");
      try (DatagramSocket again = new DatagramSocket(bound)) {
        assertTrue(again.isBound(), "the listener port is free again");
        // nobody forwards any more: a datagram to the old port reaches the new socket instead
        send(c, bound, "after-close");
        again.setSoTimeout(5_000);
        assertEquals("after-close", receive(again));
      }
      try {
        c.setSoTimeout(200);
        receive(c);
        throw new AssertionError("no reply expected after close");
      } catch (SocketTimeoutException expected) {
        // nothing came back
      }
    }
  }
}
