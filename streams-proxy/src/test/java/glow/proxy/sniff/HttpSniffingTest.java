package glow.proxy.sniff;

import static glow.proxy.sniff.SniffRuns.assertSameCountsAtEveryCut;
import static glow.proxy.sniff.SniffRuns.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import kamon.metric.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(WithKamon.class)
@Timeout(60)
class HttpSniffingTest {
  @Test
  void countsPipelinedKeepAliveRequestsIdenticallyAtEveryCut() {
    Conversation c = new Conversation()
        .client("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world"
            + "HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /cached HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n"
            + "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"
            + "DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n"
            + "PURGE /x HTTP/1.0\r\nHost: x\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde"
            + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: yes\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" // HEAD: the length is not followed by a body
            + "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 99\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
            + "HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("pipelined", c, http(Map.of(
        "GET 2xx", 1L, "POST 2xx", 1L, "HEAD 2xx", 1L, "GET 3xx", 1L, "OPTIONS 2xx", 1L, "DELETE 5xx", 1L, "OTHER 2xx", 1L),
        0, 1), false);
  }

  @Test
  void interimContinueIsNotTheAnswerAndChunkedRequestBodiesWithTrailersAreSkipped() {
    Conversation c = new Conversation()
        .client("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        .server("HTTP/1.1 100 Continue\r\n\r\n")
        .client("a\r\n0123456789\r\n3\r\nabc\r\n0\r\nDigest: x\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        .client("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        .server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        .client("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nread until close, even HTTP/1.1 500 Oops\r\n\r\n");
    assertSameCountsAtEveryCut("continue", c, http(Map.of("PUT 2xx", 1L, "GET 4xx", 1L, "GET 2xx", 1L), 0, 0), false);
  }

  @Test
  void requestsStillWaitingAtCloseAreCountedAsUnanswered() {
    Conversation c = new Conversation()
        .client("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("unanswered", c, http(Map.of("GET 2xx", 1L, "GET none", 1L), 0, 0), false);
  }

  @Test
  void switchingProtocolsTurnsTheConnectionIntoAnUncountedTunnel() {
    Conversation c = new Conversation()
        .client("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        .server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello")
        .client("\u0081\u0085\u0001\u0002\u0003\u0004GET / HTTP/1.1\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\n\r\n");
    assertSameCountsAtEveryCut("upgrade", c, http(Map.of("GET 1xx", 1L), 0, 0), false);
  }

  @Test
  void acceptedConnectIsATunnelAndARefusedOneLetsTheNextRequestBeCounted() {
    Conversation accepted = new Conversation()
        .client("CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n")
        .server("HTTP/1.1 200 Connection Established\r\n\r\n")
        .client("\u0016\u0003\u0001\u0000\u00a5 not http at all")
        .server("\u0016\u0003\u0003 HTTP/1.1 500 no");
    assertSameCountsAtEveryCut("connect-ok", accepted, http(Map.of("CONNECT 2xx", 1L), 0, 0), false);

    Conversation refused = new Conversation()
        .client("CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n")
        .server("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 3\r\n\r\nno!")
        .client("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("connect-refused", refused, http(Map.of("CONNECT 4xx", 1L, "GET 2xx", 1L), 0, 0), false);
  }

  @Test
  void malformedHeaderGivesUpQuietlyAndCountsTheConnectionUnparsed() {
    Conversation c = new Conversation()
        .client("GET / HTTP/1.1\r\nHost x\r\n\r\n")
        .server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("malformed", c, http(Map.of(), 1, 0), false);

    Conversation badLength = new Conversation()
        .client("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")
        .server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    assertSameCountsAtEveryCut("two-lengths", badLength, http(Map.of(), 1, 0), false);
  }

  @Test
  void aHugeHeaderIsCappedAndGivenUpOn() {
    StringBuilder huge = new StringBuilder("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 20_000; i++) huge.append("X-Pad-").append(i).append(": ").append("y".repeat(10)).append("\r\n");
    huge.append("\r\n");
    Conversation c = new Conversation().client(huge.toString()).server("HTTP/1.1 431 Too Large\r\nContent-Length: 0\r\n\r\n");
    ConnectionTags t = SniffRuns.tags("huge");
    // every byte its own chunk: the cap, not the chunking, decides
    assertEquals(http(Map.of(), 1, 0), SniffRuns.run(t, false, c::replayByteByByte));
    Conversation longLine = new Conversation().client("GET /" + "a".repeat(100_000) + " HTTP/1.1\r\n\r\n");
    assertEquals(http(Map.of(), 0, 0), SniffRuns.run(SniffRuns.tags("long-line"), false, s -> longLine.replayCutAt(s, 0)),
        "a first line beyond the detection cap is plain TCP: nothing counted");
  }

  @Test
  void aThrowingServerErrorHookDoesNotDisturbCounting() {
    ConnectionTags t = SniffRuns.tags("throwing-hook");
    Sniffer s = Sniffers.forConnection(t, (tags, status) -> {
      throw new IllegalStateException("hook bug");
    });
    s.onRequestBytes(ByteString.fromString("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"));
    s.onResponseBytes(ByteString.fromString("HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\nHTTP/1.1 502 Y\r\nContent-Length: 0\r\n\r\n"));
    s.onClose();
    kamon.tag.TagSet tags = KamonValues.tags(t).withTag("method", "GET").withTag("status", "5xx");
    assertEquals(2, KamonValues.counter(HttpMetrics.REQUESTS, tags));
  }

  @Test
  void requestTimeRunsFromTheFirstRequestByteToTheEndOfTheResponseHead() {
    ConnectionTags t = SniffRuns.tags("timing");
    AtomicLong clock = new AtomicLong();
    Sniffer s = Sniffers.forConnection(t, ServerErrorListener.NONE, clock::get);
    clock.set(1_000_000);
    s.onRequestBytes(ByteString.fromString("GE"));
    clock.set(2_000_000);
    s.onRequestBytes(ByteString.fromString("T / HTTP/1.1\r\nHost: x\r\n\r\n"));
    clock.set(3_000_000);
    s.onResponseBytes(ByteString.fromString("HTTP/1.1 200 OK\r\nContent-"));
    clock.set(5_000_000);
    s.onResponseBytes(ByteString.fromString("Length: 3\r\n\r\n"));
    clock.set(9_000_000);
    s.onResponseBytes(ByteString.fromString("abc"));
    s.onClose();
    Distribution d = KamonValues.timer(HttpMetrics.REQUEST_TIME, KamonValues.tags(t).withTag("method", "GET").withTag("status", "2xx"));
    assertEquals(1, d.count());
    assertTrue(Math.abs(d.max() - 4_000_000) <= 40_000, "recorded " + d.max() + " ns, expected 4 ms");
  }
}
