package glow.proxy.sniff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real HTTP/1.1 server (the JDK's), a real client socket speaking pipelined keep-alive, and the
 * test in the middle pumping bytes between two loopback connections through a sniffer, as the
 * proxy does: bytes must arrive unchanged and the counts must be right.
 */
@Timeout(60)
class LoopbackHttpSniffingTest {
  private static HttpServer server;

  @BeforeAll
  static void start() throws IOException {
    KamonValues.start();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/bytes", ex -> {
      Map<String, Integer> q = query(ex);
      byte[] body = randomBytes(q.get("seed"), q.get("n"));
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
      } else {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
      ex.close();
    });
    server.createContext("/chunked", ex -> {
      Map<String, Integer> q = query(ex);
      byte[] body = randomBytes(q.get("seed"), q.get("n"));
      ex.sendResponseHeaders(200, 0); // 0: chunked
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < body.length; i += 10_000) out.write(body, i, Math.min(10_000, body.length - i));
      }
    });
    server.createContext("/echo-crc", ex -> {
      CRC32 crc = new CRC32();
      long len = 0;
      try (InputStream in = ex.getRequestBody()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; len += n) crc.update(buf, 0, n);
      }
      byte[] answer = ("crc=" + Long.toHexString(crc.getValue()) + ";len=" + len).getBytes(StandardCharsets.ISO_8859_1);
      ex.sendResponseHeaders(200, answer.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(answer);
      }
    });
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(0);
    KamonValues.stop();
  }

  private static Map<String, Integer> query(HttpExchange ex) {
    Map<String, Integer> q = new java.util.HashMap<>();
    for (String kv : ex.getRequestURI().getQuery().split("&")) {
      String[] p = kv.split("=");
      q.put(p[0], Integer.parseInt(p[1]));
    }
    return q;
  }

  static byte[] randomBytes(int seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  /** Copies one direction through the sniffer, as the proxy stream does, and checksums what passed. */
  private static final class Pump extends Thread {
    final CRC32 read = new CRC32();
    final CRC32 written = new CRC32();
    long bytes;
    private final Socket from;
    private final Socket to;
    private final Object sniffLock;
    private final java.util.function.Consumer<ByteString> sniff;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Pump(String name, Socket from, Socket to, Object sniffLock, java.util.function.Consumer<ByteString> sniff) {
      super(name);
      this.from = from;
      this.to = to;
      this.sniffLock = sniffLock;
      this.sniff = sniff;
      setDaemon(true);
    }

    @Override
    public void run() {
      byte[] buf = new byte[7919]; // an odd size so chunks cut heads and bodies at arbitrary places
      try {
        // not closed here: closing a socket's stream closes the socket, and the other pump still uses it
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
          read.update(buf, 0, n);
          ByteString chunk = ByteString.fromArray(buf, 0, n);
          synchronized (sniffLock) { // the proxy never calls a sniffer concurrently
            sniff.accept(chunk);
          }
          byte[] forward = chunk.toArray();
          written.update(forward);
          out.write(forward);
          bytes += n;
        }
        to.shutdownOutput();
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }

  @Test
  void pipelinedKeepAliveThroughASnifferArrivesUnchangedAndIsCounted() throws Exception {
    ConnectionTags tags = SniffRuns.tags("loopback-e2e");
    int port = server.getAddress().getPort();
    byte[] postBody = randomBytes(2, 1_000_000);
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    List<byte[]> expectedBodies = new ArrayList<>();
    String host = "Host: 127.0.0.1:" + port + "\r\n";
    requests.writeBytes(("GET /bytes?seed=1&n=1000000 HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    expectedBodies.add(randomBytes(1, 1_000_000));
    requests.writeBytes(("HEAD /bytes?seed=1&n=1000000 HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    requests.writeBytes(("POST /echo-crc HTTP/1.1\r\n" + host + "Content-Length: " + postBody.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    requests.writeBytes(postBody);
    requests.writeBytes(("GET /chunked?seed=3&n=1500000 HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    expectedBodies.add(randomBytes(3, 1_500_000));
    requests.writeBytes(("GET /missing HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    requests.writeBytes(("POST /echo-crc HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < postBody.length; i += 65_536) {
      int n = Math.min(65_536, postBody.length - i);
      requests.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      requests.write(postBody, i, n);
      requests.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    requests.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < 10; i++) {
      requests.writeBytes(("GET /bytes?seed=" + (10 + i) + "&n=100000 HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      expectedBodies.add(randomBytes(10 + i, 100_000));
    }
    requests.writeBytes(("GET /bytes?seed=99&n=10 HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    byte[] allRequests = requests.toByteArray();

    SniffRuns.Counts counts = SniffRuns.run(tags, false, sniffer -> {
      try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
           Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.getLocalPort());
           Socket downstream = proxy.accept();
           Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port)) {
        Object lock = new Object();
        Pump up = new Pump("pump-up", downstream, upstream, lock, sniffer::onRequestBytes);
        Pump down = new Pump("pump-down", upstream, downstream, lock, sniffer::onResponseBytes);
        up.start();
        down.start();
        Thread writer = new Thread(() -> {
          try {
            client.getOutputStream().write(allRequests); // all at once: pipelined
            client.shutdownOutput();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, "client-writer");
        writer.start();
        byte[] received = client.getInputStream().readAllBytes(); // the server closes after the last request
        writer.join(10_000);
        up.join(10_000);
        down.join(10_000);
        synchronized (lock) {
          sniffer.onClose();
        }
        assertEquals(null, up.failure.get());
        assertEquals(null, down.failure.get());

        assertEquals(allRequests.length, up.bytes);
        assertEquals(crc(allRequests), up.read.getValue());
        assertEquals(up.read.getValue(), up.written.getValue(), "request bytes changed on the way");
        assertEquals(received.length, down.bytes);
        assertEquals(down.read.getValue(), crc(received), "response bytes changed on the way");
        assertEquals(down.read.getValue(), down.written.getValue());

        String text = new String(received, StandardCharsets.ISO_8859_1);
        String postCrc = "crc=" + Long.toHexString(crc(postBody)) + ";len=" + postBody.length;
        assertEquals(2, text.split(java.util.regex.Pattern.quote(postCrc), -1).length - 1,
            "both POST bodies (fixed length and chunked) reached the server intact");
        for (byte[] body : expectedBodies) {
          if (body.length == 1_500_000) continue; // chunked on the wire: checked by the CRC of the whole stream above
          assertTrue(text.contains(new String(body, StandardCharsets.ISO_8859_1)), "a response body arrived intact");
        }
        assertTrue(received.length > 3_500_000, "MBs went through: " + received.length);
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(SniffRuns.http(Map.of("GET 2xx", 13L, "HEAD 2xx", 1L, "POST 2xx", 2L, "GET 4xx", 1L), 0, 0), counts);
  }
}
