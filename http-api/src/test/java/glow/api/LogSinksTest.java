package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import glow.actors.logs.LogLine;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.StdStream;
import glow.api.metrics.MetricsText;
import glow.api.sinks.LogSink;
import glow.api.sinks.LogSinks;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import kamon.Kamon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log sinks against real receivers on loopback: a UDP and a TCP syslog socket, and an HTTP server that fails on demand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogSinksTest {
  static final Instant T = Instant.parse("2026-11-22T01:02:03.456Z");

  @BeforeAll
  static void kamon() {
    Kamon.initWithoutAttaching(ConfigFactory.parseString("kamon.metric.tick-interval = 1s\n"
        + "kamon.prometheus.start-embedded-http-server = no").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stopKamon() throws Exception {
    scala.jdk.javaapi.FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static LogLine line(StdStream stream, String text) {
    return new LogLine(T, "n1", "greeter", "greeter#1", stream, text);
  }

  static void await(BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      TimeUnit.MILLISECONDS.sleep(20); // polling interval
    }
  }

  @Test
  void syslogOverUdpSendsOneRfc5424MessagePerLine() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        NodeLogHub hub = new NodeLogHub(10, 100);
        LogSinks sinks = LogSinks.start(ConfigFactory.parseString("glow.logs.sinks = [{type = syslog, host = \"127.0.0.1\", port = "
            + server.getLocalPort() + ", facility = 16}]"), hub)) {
      server.setSoTimeout(5000);
      hub.publish(line(StdStream.STDOUT, "hello"));
      hub.publish(line(StdStream.STDERR, "it \"broke\""));
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        DatagramPacket p = new DatagramPacket(new byte[9000], 9000);
        server.receive(p);
        got.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      }
      assertEquals(List.of(
          "<134>1 2026-11-22T01:02:03.456Z n1 greeter greeter#1 stdout [glow@32473 node=\"n1\" instance=\"greeter#1\"] hello",
          "<131>1 2026-11-22T01:02:03.456Z n1 greeter greeter#1 stderr [glow@32473 node=\"n1\" instance=\"greeter#1\"] it \"broke\""),
          got);
    }
  }

  @Test
  void syslogOverTcpSendsOctetCountedFrames() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        NodeLogHub hub = new NodeLogHub(10, 100);
        LogSinks sinks = LogSinks.start(ConfigFactory.parseString("glow.logs.sinks = [{type = syslog, protocol = tcp, host = \"127.0.0.1\", port = "
            + server.getLocalPort() + "}]"), hub)) {
      server.setSoTimeout(5000);
      hub.publish(line(StdStream.STDOUT, "one"));
      hub.publish(line(StdStream.STDOUT, "twö"));
      try (Socket s = server.accept()) {
        s.setSoTimeout(5000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (String text : List.of("one", "twö")) {
          String expected = "<14>1 2026-11-22T01:02:03.456Z n1 greeter greeter#1 stdout [glow@32473 node=\"n1\" instance=\"greeter#1\"] " + text;
          StringBuilder len = new StringBuilder();
          for (int c; (c = in.read()) != ' '; ) len.append((char) c);
          byte[] frame = new byte[Integer.parseInt(len.toString())];
          in.readFully(frame);
          assertEquals(expected, new String(frame, StandardCharsets.UTF_8));
        }
      }
    }
  }

  /** A real HTTP server on loopback that answers 503 while failing is set, and records the lines of accepted batches. */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final AtomicBoolean failing = new AtomicBoolean(true);
    final AtomicInteger refused = new AtomicInteger();
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/logs", ex -> {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (failing.get()) {
          refused.incrementAndGet();
          ex.sendResponseHeaders(503, -1);
        } else {
          for (String l : new String(body, StandardCharsets.UTF_8).split("\n")) {
            lines.add(Json.MAPPER.readTree(l).path("text").asText());
          }
          ex.sendResponseHeaders(204, -1);
        }
        ex.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/logs";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  static LogSinks httpSinks(Receiver r, NodeLogHub hub, int buffer, int batch) {
    return LogSinks.start(ConfigFactory.parseString("glow.logs.sinks = [{type = file}, {type = http, url = \"" + r.url()
        + "\", buffer-lines = " + buffer + ", batch-lines = " + batch + ", flush-interval = 50ms, retry-min = 50ms, retry-max = 200ms}]"), hub);
  }

  @Test
  void httpSinkLosesNothingWithinItsBufferWhileTheServerFails() throws Exception {
    try (Receiver r = new Receiver(); NodeLogHub hub = new NodeLogHub(10, 10_000); LogSinks sinks = httpSinks(r, hub, 200, 20)) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        sent.add("line " + i);
        hub.publish(line(StdStream.STDOUT, "line " + i));
      }
      await(() -> r.refused.get() >= 3, Duration.ofSeconds(10), "three refused attempts");
      r.failing.set(false);
      LogSink sink = sinks.sinks().get(0);
      await(() -> sink.sent() == 200, Duration.ofSeconds(10), "every line delivered");
      assertEquals(sent, r.lines, "every line, once, in order");
      assertEquals(0L, sinks.dropped().get("http-1"));
    }
  }

  @Test
  void httpSinkDropsAndCountsWhatDoesNotFitAndShowsItInMetrics() throws Exception {
    try (Receiver r = new Receiver(); NodeLogHub hub = new NodeLogHub(10, 10_000); LogSinks sinks = httpSinks(r, hub, 100, 10);
        MetricsText metrics = new MetricsText()) {
      for (int i = 0; i < 500; i++) hub.publish(line(StdStream.STDOUT, "line " + i));
      LogSink sink = sinks.sinks().get(0);
      await(() -> sink.dropped() >= 500 - 100 - 10, Duration.ofSeconds(10), "the overflow dropped");
      r.failing.set(false);
      await(() -> sink.sent() + sink.dropped() == 500, Duration.ofSeconds(10), "every line delivered or dropped");
      assertEquals(sink.sent(), r.lines.size());
      // kept: the whole buffer, plus whatever the sender had taken into its batch before the buffer
      // filled (nothing, if all 500 lines were published before the sender thread first ran)
      assertTrue(sink.sent() >= 100 && sink.sent() <= 100 + 10, "buffer to buffer + batch delivered: " + sink.sent());
      // what arrived is in order, starting with the first batch
      assertEquals("line 0", r.lines.get(0));
      for (int i = 1; i < r.lines.size(); i++) {
        assertTrue(Integer.parseInt(r.lines.get(i).substring(5)) > Integer.parseInt(r.lines.get(i - 1).substring(5)), r.lines.toString());
      }
      java.util.regex.Pattern expected = java.util.regex.Pattern.compile(
          "(?m)^glow_logs_sink_dropped_total\\{[^}]*sink=\"http-1\"[^}]*\\} " + sink.dropped() + "(\\.0)?$");
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      String text = metrics.scrape();
      while (!expected.matcher(text).find() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100); // polling interval: Kamon publishes once per tick
        text = metrics.scrape();
      }
      assertTrue(expected.matcher(text).find(), expected + " in:\n" + text);
    }
  }

  @Test
  void badSinksAreReportedAllAtOnceWithWhatToWrite() {
    try (NodeLogHub hub = new NodeLogHub(10, 10)) {
      LogSinks.Invalid e = org.junit.jupiter.api.Assertions.assertThrows(LogSinks.Invalid.class, () -> LogSinks.start(
          ConfigFactory.parseString("glow.logs.sinks = [{type = kafka}, {type = http}, {type = syslog, host = x, colour = red}]"), hub));
      assertEquals("invalid glow.logs.sinks:\n"
          + "  glow.logs.sinks[0].type: unknown sink type \"kafka\" (one of [file, http, stdout-json, syslog])\n"
          + "  glow.logs.sinks[1].url: missing (where to POST the lines, e.g. http://127.0.0.1:9880/glow)\n"
          + "  glow.logs.sinks[2].colour: unknown key for a syslog sink (known: batch-lines, buffer-lines, facility, "
          + "flush-interval, host, name, port, protocol, retry-max, retry-min, type)", e.getMessage());
    }
  }
}
