package glow.proxy.sniff;

import akka.util.ByteIterator;
import akka.util.ByteString;
import java.util.function.LongSupplier;

/**
 * Follows the HTTP/1.x exchanges of one connection and counts each request by method and status
 * class, with its time from the first request byte to the end of the final response head; one per
 * connection recognised as HTTP.
 *
 * <p>Both directions are framed incrementally (request line / status line, headers, then a body
 * of Content-Length bytes, chunks with trailers, or until close). Body bytes are skipped by
 * counting, never copied; only start lines and headers pass through a bounded line buffer
 * ({@value #MAX_LINE} bytes a line, {@value #MAX_HEAD} bytes a head). Requests wait in a FIFO
 * until their responses arrive, so keep-alive and pipelining match in order. A response to HEAD,
 * a 204 and a 304 have no body; 1xx other than 101 are interim and do not answer a request; 101
 * and a 2xx to CONNECT turn the connection into an opaque tunnel (nothing more is counted).
 * Anything malformed makes the sniffer stop following the connection, counted once as unparsed.
 */
final class HttpSniffer implements Sniffer {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEAD = 64 * 1024;
  /** Pipelined requests waiting for answers; a client that pipelines more is not followed further. */
  static final int MAX_PENDING = 1024;

  // Framing states of one direction.
  private static final int HEAD = 0, FIXED = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_DATA_END = 4,
      TRAILERS = 5, UNTIL_CLOSE = 6, HOLD = 7;

  private final ConnectionTags tags;
  private final HttpMetrics metrics;
  private final ServerErrorListener onServerError;
  private final LongSupplier nanoClock;
  private final Request request = new Request();
  private final Response response = new Response();

  /** Requests whose final response head has not been seen: method bucket and start (ns). */
  private final PendingQueue pending = new PendingQueue(MAX_PENDING);

  /** True once the sniffer stops looking (tunnel, malformed input, close). */
  private boolean stopped;
  private boolean closed;

  HttpSniffer(ConnectionTags tags, ServerErrorListener onServerError, LongSupplier nanoClock) {
    this.tags = tags;
    this.metrics = HttpMetrics.of(tags);
    this.onServerError = onServerError;
    this.nanoClock = nanoClock;
  }

  @Override
  public void onRequestBytes(ByteString bytes) {
    if (!stopped) feed(request, bytes);
  }

  @Override
  public void onResponseBytes(ByteString bytes) {
    if (!stopped) feed(response, bytes);
  }

  @Override
  public void onClose() {
    if (closed) return;
    closed = true;
    // A response framed "until close" ends here; requests still waiting were never answered.
    while (!pending.isEmpty()) {
      metrics.request(pending.oldestKind(), 0, -1);
      pending.pop();
    }
    stopped = true;
  }

  private void feed(Side side, ByteString bytes) {
    try {
      side.feed(bytes, nanoClock.getAsLong());
    } catch (RuntimeException e) {
      // A parser bug must never reach the stream: stop following this connection instead.
      giveUp();
    }
  }

  private void giveUp() {
    if (stopped) return;
    stopped = true;
    pending.clear();
    metrics.unparsed();
  }

  private void tunnel() {
    stopped = true;
    pending.clear();
  }

  /** The framing of one direction; subclasses say what a start line and the end of a head mean. */
  private abstract class Side {
    int state = HEAD;
    long remaining;
    final LineBuffer line = new LineBuffer(MAX_LINE);
    int headBytes;
    boolean startLineSeen;
    long contentLength = -1;
    boolean chunked;
    boolean transferEncoding;
    /** Arrival time (ns) of the chunk holding the first byte of the current message. */
    long startedAt;

    void feed(ByteString bs, long now) {
      // A ByteIterator walks compact chunks and ropes alike at constant cost per byte and skips
      // body bytes without touching them.
      ByteIterator it = bs.iterator();
      while (it.hasNext() && !stopped) {
        switch (state) {
          case FIXED, CHUNK_DATA -> {
            int take = (int) Math.min(remaining, it.len());
            it.drop(take);
            remaining -= take;
            if (remaining == 0) {
              if (state == FIXED) messageEnd();
              else state = CHUNK_DATA_END;
            }
          }
          case UNTIL_CLOSE -> {
            return;
          }
          case HOLD -> {
            onHeld();
            return;
          }
          default -> {
            byte b = it.next();
            if (state == HEAD || state == TRAILERS) {
              if (++headBytes > MAX_HEAD) {
                giveUp();
                return;
              }
              if (state == HEAD && !startLineSeen && line.isEmpty() && b != '\r' && b != '\n') startedAt = now;
            }
            if (b == '\n') {
              lineDone(now);
              line.clear();
            } else if (!line.add(b)) {
              giveUp();
              return;
            }
          }
        }
      }
    }

    private void lineDone(long now) {
      int len = line.length();
      switch (state) {
        case HEAD -> {
          if (!startLineSeen) {
            if (len == 0) return; // empty lines before a message are tolerated (RFC 9112 2.2)
            startLineSeen = true;
            if (!startLine(len)) giveUp();
          } else if (len == 0) {
            if (transferEncoding && !chunked && mustRejectUnknownCoding()) giveUp();
            else headEnd(now);
          } else {
            header(len);
          }
        }
        case CHUNK_SIZE -> {
          long size = parseChunkSize(len);
          if (size < 0) giveUp();
          else if (size == 0) {
            state = TRAILERS;
            headBytes = 0;
          } else {
            state = CHUNK_DATA;
            remaining = size;
          }
        }
        case CHUNK_DATA_END -> {
          if (len != 0) giveUp();
          else state = CHUNK_SIZE;
        }
        case TRAILERS -> {
          if (len == 0) messageEnd();
        }
        default -> giveUp();
      }
    }

    private void header(int len) {
      byte first = line.at(0);
      if (first == ' ' || first == '\t') return; // obsolete line folding: a continuation we do not need
      int colon = -1;
      for (int i = 0; i < len; i++) {
        if (line.at(i) == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= 0) {
        giveUp();
        return;
      }
      if (colon == 14 && line.regionEqualsIgnoreCase(0, "content-length")) {
        long v = line.parseDecimal(colon + 1, len);
        if (v < 0 || (contentLength >= 0 && contentLength != v)) giveUp();
        else contentLength = v;
      } else if (colon == 17 && line.regionEqualsIgnoreCase(0, "transfer-encoding")) {
        transferEncoding = true;
        int end = len;
        while (end > colon + 1 && (line.at(end - 1) == ' ' || line.at(end - 1) == '\t')) end--;
        // chunked must be the last coding (RFC 9112 6.1); earlier codings do not change framing
        chunked = end - 7 > colon && line.regionEqualsIgnoreCase(end - 7, "chunked")
            && (end - 8 == colon || line.at(end - 8) == ' ' || line.at(end - 8) == ',' || line.at(end - 8) == '\t');
      }
    }

    private long parseChunkSize(int len) {
      long v = 0;
      int digits = 0;
      for (int i = 0; i < len; i++) {
        byte b = line.at(i);
        int d;
        if (b >= '0' && b <= '9') d = b - '0';
        else if (b >= 'a' && b <= 'f') d = b - 'a' + 10;
        else if (b >= 'A' && b <= 'F') d = b - 'A' + 10;
        else if (b == ';' || b == ' ' || b == '\t') break; // chunk extensions are ignored
        else return -1;
        if (++digits > 15) return -1; // more than 2^60 bytes is not a chunk but an attack
        v = v * 16 + d;
      }
      return digits == 0 ? -1 : v;
    }

    /** Body framing shared by both directions once a head ended and its body is known to exist. */
    void bodyOrEnd(boolean lengthlessMeansClose) {
      if (chunked) {
        state = CHUNK_SIZE;
      } else if (transferEncoding || (contentLength < 0 && lengthlessMeansClose)) {
        state = UNTIL_CLOSE;
      } else if (contentLength > 0) {
        state = FIXED;
        remaining = contentLength;
      } else {
        messageEnd();
      }
    }

    void resetHead() {
      state = HEAD;
      headBytes = 0;
      startLineSeen = false;
      contentLength = -1;
      chunked = false;
      transferEncoding = false;
    }

    void messageEnd() {
      resetHead();
    }

    void onHeld() {}

    abstract boolean startLine(int len);

    abstract boolean mustRejectUnknownCoding();

    abstract void headEnd(long now);
  }

  /** Client to upstream: request line, headers, body. */
  private final class Request extends Side {
    int method;
    boolean heldBytes;

    @Override
    boolean startLine(int len) {
      int sp1 = -1;
      int sp2 = -1;
      for (int i = 0; i < len; i++) {
        byte b = line.at(i);
        if (b == ' ') {
          if (sp1 < 0) sp1 = i;
          sp2 = i;
        } else if (b < 0x21 || b == 0x7f) {
          return false;
        }
      }
      if (sp1 <= 0 || sp2 <= sp1 + 1) return false;
      if (!isHttp1Version(line, sp2 + 1, len)) return false;
      method = HttpMetrics.methodIndex(line, sp1);
      return true;
    }

    @Override
    boolean mustRejectUnknownCoding() {
      return true; // a request body of unknown framing cannot be followed (a server answers 400)
    }

    @Override
    void headEnd(long now) {
      if (!pending.push(method, startedAt)) {
        giveUp();
        return;
      }
      if (method == HttpMetrics.CONNECT) {
        // What follows is tunnel data if the upstream agrees; wait for its answer.
        state = HOLD;
        heldBytes = false;
        return;
      }
      bodyOrEnd(false); // a request without a length has no body
    }

    @Override
    void onHeld() {
      heldBytes = true;
    }

    /** The upstream refused a CONNECT: go on with the next request, if nothing was sent meanwhile. */
    void resume() {
      if (heldBytes) giveUp();
      else resetHead();
    }
  }

  /** Upstream to client: status line, headers, body; ends requests in order. */
  private final class Response extends Side {
    int status;

    @Override
    boolean startLine(int len) {
      // HTTP/1.x SP 3DIGIT [SP reason]
      if (len < 12 || !isHttp1Version(line, 0, 8) || line.at(8) != ' ') return false;
      if (len > 12 && line.at(12) != ' ') return false;
      long s = line.parseDecimal(9, 12);
      if (s < 100 || s > 599) return false;
      status = (int) s;
      return !pending.isEmpty(); // an answer to nothing: we lost track
    }

    @Override
    boolean mustRejectUnknownCoding() {
      return false; // a response with an unknown coding is read until close
    }

    @Override
    void headEnd(long now) {
      if (status < 200 && status != 101) {
        resetHead(); // interim (100 Continue, 103 Early Hints): the final answer follows
        return;
      }
      int method = pending.oldestKind();
      metrics.request(method, status / 100, now - pending.oldestStart());
      pending.pop();
      if (status >= 500) notifyServerError(status);
      if (status == 101 || (method == HttpMetrics.CONNECT && status < 300)) {
        tunnel();
        return;
      }
      if (method == HttpMetrics.CONNECT) request.resume();
      if (method == HttpMetrics.HEAD || status == 204 || status == 304) messageEnd();
      else bodyOrEnd(true);
    }
  }

  private void notifyServerError(int status) {
    try {
      onServerError.onServerError(tags, status);
    } catch (RuntimeException e) {
      // the hook is the core's business; the bytes must flow regardless
    }
  }

  /** True if [from, to) is exactly "HTTP/1.d". */
  static boolean isHttp1Version(LineBuffer line, int from, int to) {
    if (to - from != 8) return false;
    return line.at(from) == 'H' && line.at(from + 1) == 'T' && line.at(from + 2) == 'T' && line.at(from + 3) == 'P'
        && line.at(from + 4) == '/' && line.at(from + 5) == '1' && line.at(from + 6) == '.'
        && line.at(from + 7) >= '0' && line.at(from + 7) <= '9';
  }
}
