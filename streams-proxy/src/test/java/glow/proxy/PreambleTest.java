package glow.proxy;

import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PROXY protocol headers reach a real backend first, before the client's bytes, over loopback sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PreambleTest {
  static final ActorTestKit testKit = TestProxies.testKit();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  /** Accepts one connection and returns every byte it read until the client closed. */
  private static CompletableFuture<byte[]> readAll(ServerSocket server) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static byte[] through(Preamble preamble, int[] clientPort, int[] listenerPort) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> seen = readAll(server);
      Upstream u = upstream("u-pp", UpstreamSettings.defaults(), new Endpoint("127.0.0.1", server.getLocalPort()));
      ProxyBinding b = TcpProxy.bind(testKit.system(), ListenerSettings.of("pp", "127.0.0.1", 0), u, null, preamble)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), b.localAddress().getPort())) {
        clientPort[0] = c.getLocalPort();
        listenerPort[0] = b.localAddress().getPort();
        OutputStream out = c.getOutputStream();
        out.write("hello".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        c.shutdownOutput();
        byte[] bytes = seen.get(10, TimeUnit.SECONDS);
        b.unbind();
        return bytes;
      }
    }
  }

  @Test void sendsTheV1LineBeforeTheClientsBytes() throws Exception {
    int[] cp = {0};
    int[] lp = {0};
    byte[] seen = through(ProxyProtocol.V1, cp, lp);
    assertEquals("PROXY TCP4 127.0.0.1 127.0.0.1 " + cp[0] + " " + lp[0] + "\r\nhello",
        new String(seen, StandardCharsets.US_ASCII));
  }

  @Test void sendsTheV2BinaryHeaderBeforeTheClientsBytes() throws Exception {
    int[] cp = {0};
    int[] lp = {0};
    byte[] seen = through(ProxyProtocol.V2, cp, lp);
    ByteBuffer want = ByteBuffer.allocate(16 + 12 + 5);
    want.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12});
    want.put(new byte[] {127, 0, 0, 1, 127, 0, 0, 1});
    want.putShort((short) cp[0]).putShort((short) lp[0]);
    want.put("hello".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(want.array(), seen);
  }

  @Test void withoutAPreambleTheUpstreamSeesOnlyTheClientsBytes() throws Exception {
    byte[] seen = through(null, new int[1], new int[1]);
    assertEquals("hello", new String(seen, StandardCharsets.US_ASCII));
  }
}
