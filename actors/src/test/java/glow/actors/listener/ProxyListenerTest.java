package glow.actors.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.conf.snapshot.ServiceKey;
import glow.conf.spec.Protocol;
import glow.proxy.Endpoint;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One ProxyListener on its own (no cluster): UDP forwarding and draining a listener that never bound. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProxyListenerTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(5);
  static final ListenersSettings SETTINGS = ListenersSettings.defaults()
      .withBindRetry(Duration.ofMillis(100), Duration.ofMillis(400));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ListenerStatus status(ActorRef<ProxyListener.Command> listener) {
    TestProbe<ListenerStatus> probe = testKit.createTestProbe();
    listener.tell(new ProxyListener.GetStatus(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aUdpListenerForwardsDatagramsToAnEndpointChosenFromTheUpstream() throws Exception {
    int port;
    try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (DatagramSocket backend = new DatagramSocket(0, InetAddress.getLoopbackAddress());
         DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        byte[] buf = new byte[512];
        while (!backend.isClosed()) {
          try {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            backend.receive(in);
            byte[] answer = ("echo:" + new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
            backend.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
          } catch (IOException e) {
            return; // closed
          }
        }
      }, "udp-echo");
      echo.setDaemon(true);
      echo.start();
      UpstreamSettings settings = UpstreamSettings.defaults();
      Upstream stats = new Upstream("stats:8125", settings);
      stats.setEndpoints(List.of()); // no endpoint: every session goes to the fallback
      Upstream fallback = new Upstream("stats-fallback:8125", settings);
      fallback.setEndpoints(List.of(new Endpoint("127.0.0.1", backend.getLocalPort(), "n1")));
      ListenerSpec spec = new ListenerSpec(port, ServiceKey.parse("stats:8125"), ServiceKey.parse("stats-fallback:8125"),
          Protocol.UDP, settings);
      ActorRef<ProxyListener.Command> listener =
          testKit.spawn(ProxyListener.create(spec, List.of("web:1#1"), stats, fallback, SETTINGS));
      assertEquals("127.0.0.1:" + port, status(listener).boundAddress());

      client.setSoTimeout(2_000);
      byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
      client.send(new DatagramPacket(hi, hi.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket answer = new DatagramPacket(new byte[512], 512);
      client.receive(answer);
      assertEquals("echo:hi", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8));
      ListenerStatus s = status(listener);
      assertEquals("udp", s.protocol());
      assertEquals(1, s.activeConnections(), "one udp session");
      assertEquals(1, s.fallbackEndpoints().size());

      TestProbe<ProxyListener.Released> released = testKit.createTestProbe();
      listener.tell(new ProxyListener.Drain(released.ref()));
      assertEquals(port, released.receiveMessage(WAIT).port());
      released.expectTerminated(listener, WAIT);
    }
  }

  @Test
  void drainingAListenerThatCouldNotBindReleasesAtOnce() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Upstream billing = new Upstream("billing:8080", UpstreamSettings.defaults());
      ListenerSpec spec = new ListenerSpec(port, ServiceKey.parse("billing:8080"), null, Protocol.TCP, billing.settings());
      ActorRef<ProxyListener.Command> listener =
          testKit.spawn(ProxyListener.create(spec, List.of("web:1#1", "web:1#2"), billing, null, SETTINGS));
      TestProbe<ListenerStatus> probe = testKit.createTestProbe();
      ListenerStatus failed = probe.awaitAssert(WAIT, () -> {
        listener.tell(new ProxyListener.GetStatus(probe.ref()));
        ListenerStatus s = probe.receiveMessage();
        assertTrue(s.error() != null && s.error().startsWith("cannot bind"), String.valueOf(s.error()));
        return s;
      });
      assertNull(failed.boundAddress());
      assertEquals(ListenerStatus.BIND_FAILED, failed.state());
      assertTrue(failed.error().contains("needed by web:1#1, web:1#2"), failed.error());

      TestProbe<ProxyListener.Released> released = testKit.createTestProbe();
      listener.tell(new ProxyListener.Drain(released.ref()));
      assertEquals(port, released.receiveMessage(WAIT).port());
      released.expectTerminated(listener, WAIT);
    }
  }
}
