package glow.proxy.sniff;

import static glow.proxy.sniff.SniffRuns.assertSameCountsAtEveryCut;
import static glow.proxy.sniff.SniffRuns.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import kamon.metric.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What reading lines in place could get wrong: lines, CRLFs and chunk-size lines cut by chunk
 * ends anywhere, chunks that are slices or ropes (read through a window), bodies full of line feeds
 * and header-like bytes, and the line and head limits at their exact boundaries.
 */
@ExtendWith(WithKamon.class)
@Timeout(120)
class HttpSniffingCutsTest {
  /** A conversation that uses every framing the sniffer follows, and what it must count. */
  static Conversation everything() {
    String postBody = "line1\nGET / HTTP/1.1\r\nContent-Length: 99\r\n\r\n";
    String getBody = "\r\n\r\nHTTP/1.1 500 Bad\r\nContent-Length: 0\r\n\r\n\n\n";
    return new Conversation()
        .client("GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: " + "u".repeat(300) + "\r\nAccept: */*\r\n\r\n"
            + "POST /p HTTP/1.1\r\nHost: x\r\ncontent-length:  " + postBody.length() + " \r\n\r\n" + postBody
            + "PUT /c HTTP/1.1\r\nTransfer-Encoding: gzip , chunked\r\n\r\n"
            + chunk("HTTP/", ";x=y") + chunk("0\r\n\r\n\r\n\r\nX", "") + "0\r\nTrailer: t\r\n\r\n"
            + "HEAD /h HTTP/1.1\r\n\r\n"
            + "DELETE /d HTTP/1.0\r\nX-Folded: a\r\n  continued: still the same header\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Sun, 22 Nov 2026 07:00:00 GMT\r\nContent-Length: "
            + getBody.length() + "\r\n\r\n" + getBody
            + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nTRANSFER-ENCODING: chunked\r\n\r\n"
            + chunk("\r\n0\r\n\r\n", "; name=\"v\"") + chunk("x".repeat(700), "") + "0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nETag: \"e\"\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" // HEAD: no body follows
            + "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy")
        .client("\r\nOPTIONS * HTTP/1.1\r\n\r\n") // an empty line between messages is tolerated
        .server("HTTP/1.1 404 Not Found\nContent-Length: 0\n\n") // bare LFs are tolerated
        .client("GET /last HTTP/1.1\r\nConnection: close\r\n\r\n")
        .server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close\r\nHTTP/1.1 500 X\r\n\r\n");
  }

  static final SniffRuns.Counts EVERYTHING = http(Map.of(
      "GET 2xx", 2L, "POST 2xx", 1L, "PUT 2xx", 1L, "HEAD 2xx", 1L, "DELETE 5xx", 1L, "OPTIONS 4xx", 1L), 0, 1);

  static String chunk(String data, String extension) {
    return Integer.toHexString(data.length()) + extension + "\r\n" + data + "\r\n";
  }

  @Test
  void everyFramingCountsTheSameAtEveryCut() {
    assertSameCountsAtEveryCut("cuts-everything", everything(), EVERYTHING, false);
  }

  @Test
  void randomCutsIntoCompactSlicedAndRopeChunksCountTheSame() {
    Conversation c = everything();
    ConnectionTags t = SniffRuns.tags("cuts-random");
    Random random = new Random(20261122); // seeded: a failure names its run and can be replayed
    Conversation.Shape[] shapes = {Conversation.COMPACT, Conversation.SLICE, Conversation.rope(random, 7)};
    for (int run = 0; run < 200; run++) {
      Set<Integer> cuts = new TreeSet<>();
      int n = 1 + random.nextInt(run < 100 ? 8 : 60);
      for (int i = 0; i < n; i++) cuts.add(1 + random.nextInt(c.length() - 1));
      long shapeSeed = random.nextLong();
      Random pick = new Random(shapeSeed);
      SniffRuns.Counts counted = SniffRuns.run(t, false,
          s -> c.replay(s, cuts::contains, (b, from, len) -> shapes[pick.nextInt(shapes.length)].of(b, from, len)));
      assertEquals(EVERYTHING, counted, "run " + run + ", cuts " + cuts + ", shape seed " + shapeSeed);
    }
  }

  @Test
  void crlfCutBetweenItsTwoBytesAndLinesDeliveredOneByOneCountTheSame() {
    Conversation c = everything();
    ConnectionTags t = SniffRuns.tags("cuts-crlf");
    Set<Integer> lfs = c.positionsOf((byte) '\n');
    // every chunk ends in CR, the LF opens the next one
    assertEquals(EVERYTHING, SniffRuns.run(t, false, s -> c.replay(s, lfs::contains, Conversation.COMPACT)),
        "cut before each LF");
    Set<Integer> afterLf = new TreeSet<>();
    for (int at : lfs) afterLf.add(at + 1);
    // each line (and each body piece between LFs) is a chunk of its own
    assertEquals(EVERYTHING, SniffRuns.run(t, false, s -> c.replay(s, afterLf::contains, Conversation.COMPACT)),
        "cut after each LF");
    assertEquals(EVERYTHING, SniffRuns.run(t, false, s -> c.replay(s, lfs::contains, Conversation.SLICE)),
        "slices cut before each LF");
  }

  @Test
  void chunkSizeLinesCutAnywhereAndBodiesFullOfHeadersAreSkipped() {
    StringBuilder chunks = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      chunks.append(chunk("HTTP/1.1 500 X\r\n".repeat(i % 3) + "\n".repeat(i), i % 2 == 0 ? ";k=v" : ""));
    }
    Conversation c = new Conversation()
        .client("POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n"
            + "GET /next HTTP/1.1\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "000\r\nX-Sum: 1\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("cuts-chunked", c, http(Map.of("POST 2xx", 1L, "GET 2xx", 1L), 0, 0), false);
  }

  @Test
  void pipelinedRequestsInOneChunkAreEachCounted() {
    StringBuilder requests = new StringBuilder();
    StringBuilder responses = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      responses.append(i % 10 == 0
          ? "HTTP/1.1 500 E\r\nContent-Length: 1\r\n\r\n!"
          : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
    Conversation c = new Conversation().client(requests.toString()).server(responses.toString());
    Counting every = new Counting(http(Map.of("GET 2xx", 270L, "GET 5xx", 30L), 0, 30));
    every.assertFor("pipelined-one-chunk", c, s -> c.replayCutAt(s, 0));
    every.assertFor("pipelined-ropes", c, s -> c.replay(s, pos -> false, Conversation.rope(new Random(7), 5000)));
  }

  @Test
  void aCloseDelimitedResponseIsCountedOnceWhateverItsBodyHolds() {
    Conversation http10 = new Conversation()
        .client("GET /old HTTP/1.0\r\n\r\n")
        .server("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nHTTP/1.0 500 Not an answer\r\nContent-Length: 3\r\n\r\nabc\n\n\r\n");
    assertSameCountsAtEveryCut("cuts-http10", http10, http(Map.of("GET 2xx", 1L), 0, 0), false);
    Conversation unknownCoding = new Conversation()
        .client("GET /z HTTP/1.1\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n"
            + "\u001f\u008b\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
    assertSameCountsAtEveryCut("cuts-unknown-coding", unknownCoding, http(Map.of("GET 2xx", 1L), 0, 0), false);
  }

  @Test
  void aHeaderLineOfExactlyTheLimitIsReadAndOneByteMoreGivesUp() {
    int limit = HttpSniffer.MAX_LINE; // bytes before the LF, CR included
    String name = "X-Long: ";
    Conversation atLimit = requestWithHeaderLine(name + "a".repeat(limit - name.length() - 1) + "\r\n");
    Conversation over = requestWithHeaderLine(name + "a".repeat(limit - name.length()) + "\r\n");
    new Counting(http(Map.of("GET 2xx", 2L), 0, 0)).assertForAllShapes("line-at-limit", atLimit);
    new Counting(http(Map.of(), 1, 0)).assertForAllShapes("line-over-limit", over); // the first request is where it gives up
  }

  @Test
  void aChunkSizeLineOfExactlyTheLimitIsReadAndOneByteMoreGivesUp() {
    int limit = HttpSniffer.MAX_LINE;
    String extension = ";pad=";
    String atLimit = "3" + extension + "p".repeat(limit - 1 - extension.length() - 1) + "\r\nabc\r\n0\r\n\r\n";
    String over = "3" + extension + "p".repeat(limit - 1 - extension.length()) + "\r\nabc\r\n0\r\n\r\n";
    for (String[] body : new String[][] {{"chunk-at-limit", atLimit, "0"}, {"chunk-over-limit", over, "1"}}) {
      Conversation c = new Conversation()
          .client("GET / HTTP/1.1\r\n\r\n")
          .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body[1])
          .client("GET /again HTTP/1.1\r\n\r\n")
          .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      long unparsed = Long.parseLong(body[2]);
      // the first answer's head is read before its body gives up, so it is counted either way
      new Counting(http(Map.of("GET 2xx", 2L - unparsed), unparsed, 0)).assertForAllShapes(body[0], c);
    }
  }

  @Test
  void aHeadOfExactlyTheLimitIsReadAndOneByteMoreGivesUp() {
    new Counting(http(Map.of("GET 2xx", 2L), 0, 0))
        .assertForAllShapes("head-at-limit", requestWithHeadOf(HttpSniffer.MAX_HEAD));
    new Counting(http(Map.of("GET 2xx", 1L), 1, 0))
        .assertForAllShapes("head-over-limit", requestWithHeadOf(HttpSniffer.MAX_HEAD + 1));
  }

  @Test
  void requestTimeStartsAtTheChunkHoldingTheRequestLineNotAtALeadingEmptyLine() {
    ConnectionTags t = SniffRuns.tags("cuts-timing");
    AtomicLong clock = new AtomicLong();
    Sniffer s = Sniffers.forConnection(t, ServerErrorListener.NONE, clock::get);
    clock.set(1_000_000);
    s.onRequestBytes(ByteString.fromString("GET /1 HTTP/1.1\r\n\r\n"));
    clock.set(2_000_000);
    s.onResponseBytes(ByteString.fromString("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    clock.set(10_000_000);
    s.onRequestBytes(ByteString.fromString("\r\n"));
    clock.set(12_000_000);
    s.onRequestBytes(ByteString.fromString("GET /2 HT"));
    clock.set(13_000_000);
    s.onRequestBytes(ByteString.fromString("TP/1.1\r\nHost: x\r"));
    clock.set(14_000_000);
    s.onRequestBytes(ByteString.fromString("\n\r\n"));
    clock.set(20_000_000);
    s.onResponseBytes(ByteString.fromString("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    s.onClose();
    Distribution d = KamonValues.timer(HttpMetrics.REQUEST_TIME,
        KamonValues.tags(t).withTag("method", "GET").withTag("status", "2xx"));
    assertEquals(2, d.count());
    // 1 ms for the first; 8 ms (12 to 20) for the second: the lone CRLF at 10 ms does not start it
    assertTrue(Math.abs(d.max() - 8_000_000) <= 80_000, "recorded max " + d.max() + " ns, expected 8 ms");
    assertTrue(Math.abs(d.min() - 1_000_000) <= 10_000, "recorded min " + d.min() + " ns, expected 1 ms");
  }

  /** A request with one given header line, answered; then a second exchange that is counted only if the first was followed. */
  private static Conversation requestWithHeaderLine(String line) {
    return new Conversation()
        .client("GET / HTTP/1.1\r\n" + line + "\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        .client("GET /again HTTP/1.1\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  }

  /** A keep-alive connection whose second request head (start line to the empty line) is exactly {@code total} bytes. */
  private static Conversation requestWithHeadOf(int total) {
    String start = "GET /big HTTP/1.1\r\n";
    StringBuilder head = new StringBuilder(start);
    int left = total - start.length() - 2; // the final empty line
    for (int i = 0; left > 0; i++) {
      int n = Math.min(left, 8000);
      if (left - n > 0 && left - n < 20) n = left - 20; // every line must fit its name
      String prefix = "X-Pad-" + i + ": ";
      head.append(prefix).append("p".repeat(n - prefix.length() - 2)).append("\r\n");
      left -= n;
    }
    head.append("\r\n");
    assertEquals(total, head.length());
    return new Conversation()
        .client("GET /small HTTP/1.1\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        .client(head.toString())
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  }

  /** Expected counts checked for several replays of one conversation. */
  private record Counting(SniffRuns.Counts expected) {
    void assertFor(String scenario, Conversation c, java.util.function.Consumer<Sniffer> replay) {
      assertEquals(expected, SniffRuns.run(SniffRuns.tags(scenario), false, replay), scenario);
    }

    /** One chunk per segment, byte by byte, seeded random cuts, slices and ropes larger than the sniffer's read window. */
    void assertForAllShapes(String scenario, Conversation c) {
      assertFor(scenario + ": whole segments", c, s -> c.replayCutAt(s, 0));
      assertFor(scenario + ": byte by byte", c, c::replayByteByByte);
      assertFor(scenario + ": whole segments as slices", c, s -> c.replay(s, pos -> false, Conversation.SLICE));
      Random random = new Random(scenario.hashCode());
      for (int run = 0; run < 10; run++) {
        Set<Integer> cuts = new TreeSet<>();
        for (int i = 0; i < 1 + random.nextInt(30); i++) cuts.add(1 + random.nextInt(c.length() - 1));
        assertFor(scenario + ": cuts " + cuts, c, s -> c.replay(s, cuts::contains, Conversation.COMPACT));
        assertFor(scenario + ": slices cut at " + cuts, c, s -> c.replay(s, cuts::contains, Conversation.SLICE));
      }
      for (int piece : new int[] {HttpSniffer.WINDOW - 1, HttpSniffer.WINDOW + 1, 3 * HttpSniffer.WINDOW}) {
        assertFor(scenario + ": ropes of pieces up to " + piece, c,
            s -> c.replay(s, pos -> false, Conversation.rope(random, piece)));
      }
    }
  }
}
