package glow.app.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app's view of a loopback port: one HTTP GET per new TCP connection, so every request is a new
 * choice of endpoint by the node's proxy. {@link #loop} runs one sequential client on a thread of its
 * own and counts what it saw; one loop at a time per test.
 */
final class LoopbackClient {
  private LoopbackClient() {}

  /** GET / over a new connection to 127.0.0.1:{@code port}; the body, or an IOException for anything but a 200. */
  static String get(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000); // an instance answers in a few ms; 5 s means the proxy or the instance is stuck
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: hello\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int body = answer.indexOf("\r\n\r\n");
      if (!answer.startsWith("HTTP/1.1 200") || body < 0) {
        throw new IOException(answer.isEmpty() ? "connection closed without an answer" : "answer: " + answer.lines().findFirst().orElse(""));
      }
      return answer.substring(body + 4).trim();
    }
  }

  /** The node that answered, the first word of a {@link HelloInstance} answer. */
  static String nodeOf(String answer) {
    return answer.split(" ", 2)[0];
  }

  /** Starts a client that sends requests back to back until stopped, {@code maxRequests} or {@code maxTime}. */
  static Loop loop(int port, int maxRequests, Duration maxTime) {
    Loop l = new Loop(port, maxRequests, maxTime);
    l.thread.start();
    return l;
  }

  /** A running client loop and its counts. */
  static final class Loop {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** How often each distinct answer (node, instance id, artifact version) came back. */
    final Map<String, Integer> answers = new ConcurrentHashMap<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stop;
    private volatile Duration ran = Duration.ZERO;

    private Loop(int port, int maxRequests, Duration maxTime) {
      thread = new Thread(() -> {
        Instant start = Instant.now();
        Instant end = start.plus(maxTime);
        while (!stop && requests.get() < maxRequests && Instant.now().isBefore(end)) {
          requests.incrementAndGet();
          try {
            answers.merge(get(port), 1, Integer::sum);
          } catch (IOException e) {
            failed.incrementAndGet();
            if (failures.size() < 10) failures.add(Duration.between(start, Instant.now()).toMillis() + " ms: " + e);
          }
        }
        ran = Duration.between(start, Instant.now());
      }, "loopback-client");
    }

    /** Stops after the request in flight and waits for it; returns how long the loop ran. */
    Duration stop() throws InterruptedException {
      stop = true;
      thread.join(15_000);
      return ran;
    }

    boolean running() {
      return thread.isAlive();
    }

    @Override
    public String toString() {
      return requests.get() + " requests, " + failed.get() + " failed " + failures + ", answers " + new java.util.TreeMap<>(answers);
    }
  }
}
