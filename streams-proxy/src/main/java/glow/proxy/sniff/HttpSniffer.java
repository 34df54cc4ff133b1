package glow.proxy.sniff;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Follows the HTTP/1.x exchanges of one connection and counts each request by method and status
 * class, with its time from the first request byte to the end of the final response head; one per
 * connection recognised as HTTP.
 *
 * <p>Both directions are framed incrementally (request line / status line, headers, then a body
 * of Content-Length bytes, chunks with trailers, or until close). Body bytes are skipped by
 * counting. Lines are found with a search for LF and read where they lie in the received chunk:
 * of a header line only the name is looked at, and only Content-Length and Transfer-Encoding are
 * read further. Only a line cut by the end of a chunk is copied, into a bounded buffer
 * ({@value #MAX_LINE} bytes a line, {@value #MAX_HEAD} bytes a head); a chunk that is a slice or
 * a rope (not what TCP reads deliver) is read through a {@value #WINDOW}-byte copy instead.
 * Requests wait in a FIFO until their responses arrive, so keep-alive and pipelining match in
 * order. A response to HEAD, a 204 and a 304 have no body; 1xx other than 101 are interim and do
 * not answer a request; 101 and a 2xx to CONNECT turn the connection into an opaque tunnel
 * (nothing more is counted).
 * Anything malformed makes the sniffer stop following the connection, counted once as unparsed.
 */
final class HttpSniffer implements Sniffer {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_HEAD = 64 * 1024;
  /** Pipelined requests waiting for answers; a client that pipelines more is not followed further. */
  static final int MAX_PENDING = 1024;

  /** Bytes of a read-only view copied at a time to be read (views come from slices and ropes only). */
  static final int WINDOW = 4 * 1024;

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

  /** Scratch for reading read-only views, made on first need; both sides use it (never at once). */
  private byte[] window;

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
    /** The start of a line that a chunk cut off, until its LF arrives; lines inside one chunk are read in place. */
    final LineBuffer partial = new LineBuffer(MAX_LINE);
    int headBytes;
    boolean startLineSeen;
    long contentLength = -1;
    boolean chunked;
    boolean transferEncoding;
    /** Arrival time (ns) of the chunk holding the first byte of the current message. */
    long startedAt;

    void feed(ByteString bs, long now) {
      if (bs instanceof ByteString.ByteString1C) {
        // What Akka's TCP reads deliver: one array, read in place (toArrayUnsafe does not copy it).
        scan(bs.toArrayUnsafe(), 0, bs.length(), now);
        return;
      }
      for (ByteBuffer piece : bs.getByteBuffers()) { // slices and ropes: read-only views
        if (stopped) return;
        feedView(piece, now);
      }
    }

    /**
     * Reads a read-only view (no array access): body bytes are skipped by counting, head bytes are
     * copied a window at a time (a window may carry up to {@link #WINDOW} body bytes after a head).
     */
    private void feedView(ByteBuffer view, long now) {
      int pos = view.position();
      int end = view.limit();
      while (pos < end && !stopped) {
        if (state == FIXED || state == CHUNK_DATA) {
          int take = (int) Math.min(remaining, end - pos);
          pos += take;
          bodySkipped(take);
        } else if (state == UNTIL_CLOSE) {
          return;
        } else if (state == HOLD) {
          onHeld();
          return;
        } else {
          int n = Math.min(end - pos, WINDOW);
          view.get(pos, window(), 0, n);
          scan(window, 0, n, now);
          pos += n;
        }
      }
    }

    /** Frames bytes [p, end) of {@code a}. */
    private void scan(byte[] a, int p, int end, long now) {
      while (p < end && !stopped) {
        switch (state) {
          case FIXED, CHUNK_DATA -> {
            int take = (int) Math.min(remaining, end - p);
            p += take;
            bodySkipped(take);
          }
          case UNTIL_CLOSE -> {
            return;
          }
          case HOLD -> {
            onHeld();
            return;
          }
          default -> p = nextLine(a, p, end, now);
        }
      }
    }

    private void bodySkipped(int n) {
      remaining -= n;
      if (remaining == 0) {
        if (state == FIXED) messageEnd();
        else state = CHUNK_DATA_END;
      }
    }

    /**
     * Reads up to the next LF in [p, end) and handles that line if it completed; returns where the
     * next line starts ({@code end} if none did, or after giving up). A line whole in this chunk is
     * handled where it lies: a header line is searched for its LF and its colon, and only
     * Content-Length and Transfer-Encoding are read further. Only a line cut by the chunk's end is
     * copied, and only its bytes.
     */
    private int nextLine(byte[] a, int p, int end, long now) {
      boolean inHead = state == HEAD || state == TRAILERS;
      int held = partial.size();
      if (held == 0 && state == HEAD && !startLineSeen && a[p] != '\r' && a[p] != '\n') startedAt = now;
      // A line holds at most MAX_LINE bytes before its LF, so its LF is no further than that.
      int limit = (int) Math.min(end, (long) p + (MAX_LINE - held) + 1);
      int lf = AsciiBytes.indexOfLf(a, p, limit);
      int taken = (lf < 0 ? limit : lf + 1) - p; // bytes of this line here, its LF included
      if (inHead && (headBytes += taken) > MAX_HEAD) {
        giveUp();
        return end;
      }
      if (lf < 0) {
        // No LF up to the limit: the line goes on in the next chunk, or is longer than a line may be.
        if (limit < end || !partial.append(a, p, taken)) giveUp();
        return end;
      }
      if (held == 0) {
        lineDone(a, p, lf, now);
      } else {
        partial.append(a, p, lf - p); // fits: the limit kept the line within MAX_LINE
        lineDone(partial.array(), 0, partial.size(), now);
        partial.clear();
      }
      return lf + 1;
    }

    /** Handles the complete line [from, to) of {@code a} (its LF excluded) in the current state. */
    private void lineDone(byte[] a, int from, int to, long now) {
      if (to > from && a[to - 1] == '\r') to--; // lines end in CRLF; a bare LF is tolerated
      int len = to - from;
      switch (state) {
        case HEAD -> {
          if (!startLineSeen) {
            if (len == 0) return; // empty lines before a message are tolerated (RFC 9112 2.2)
            startLineSeen = true;
            if (!startLine(a, from, to)) giveUp();
          } else if (len == 0) {
            if (transferEncoding && !chunked && mustRejectUnknownCoding()) giveUp();
            else headEnd(now);
          } else {
            header(a, from, to);
          }
        }
        case CHUNK_SIZE -> {
          long size = parseChunkSize(a, from, to);
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

    /** One header line [from, to); only Content-Length and Transfer-Encoding change the framing. */
    private void header(byte[] a, int from, int to) {
      byte first = a[from];
      if (first == ' ' || first == '\t') return; // obsolete line folding: a continuation we do not need
      int colon = -1;
      for (int i = from; i < to; i++) {
        if (a[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= from) {
        giveUp();
        return;
      }
      int nameLen = colon - from;
      if (nameLen == 14 && AsciiBytes.regionEqualsIgnoreCase(a, from, to, "content-length")) {
        long v = AsciiBytes.parseDecimal(a, colon + 1, to);
        if (v < 0 || (contentLength >= 0 && contentLength != v)) giveUp();
        else contentLength = v;
      } else if (nameLen == 17 && AsciiBytes.regionEqualsIgnoreCase(a, from, to, "transfer-encoding")) {
        transferEncoding = true;
        int end = to;
        while (end > colon + 1 && (a[end - 1] == ' ' || a[end - 1] == '\t')) end--;
        // chunked must be the last coding (RFC 9112 6.1); earlier codings do not change framing
        chunked = end - 7 > colon && AsciiBytes.regionEqualsIgnoreCase(a, end - 7, to, "chunked")
            && (end - 8 == colon || a[end - 8] == ' ' || a[end - 8] == ',' || a[end - 8] == '\t');
      }
    }

    private long parseChunkSize(byte[] a, int from, int to) {
      long v = 0;
      int digits = 0;
      for (int i = from; i < to; i++) {
        byte b = a[i];
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

    /** The start line [from, to) of {@code a}, CR excluded; false if it is not one. */
    abstract boolean startLine(byte[] a, int from, int to);

    abstract boolean mustRejectUnknownCoding();

    abstract void headEnd(long now);
  }

  /** Client to upstream: request line, headers, body. */
  private final class Request extends Side {
    int method;
    boolean heldBytes;

    @Override
    boolean startLine(byte[] a, int from, int to) {
      int sp1 = -1;
      int sp2 = -1;
      for (int i = from; i < to; i++) {
        byte b = a[i];
        if (b == ' ') {
          if (sp1 < 0) sp1 = i;
          sp2 = i;
        } else if (b < 0x21 || b == 0x7f) {
          return false;
        }
      }
      if (sp1 <= from || sp2 <= sp1 + 1) return false;
      if (!isHttp1Version(a, sp2 + 1, to)) return false;
      method = HttpMetrics.methodIndex(a, from, sp1);
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
    boolean startLine(byte[] a, int from, int to) {
      // HTTP/1.x SP 3DIGIT [SP reason]
      int len = to - from;
      if (len < 12 || !isHttp1Version(a, from, from + 8) || a[from + 8] != ' ') return false;
      if (len > 12 && a[from + 12] != ' ') return false;
      long s = AsciiBytes.parseDecimal(a, from + 9, from + 12);
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

  /** True if [from, to) of {@code a} is exactly "HTTP/1.d". */
  static boolean isHttp1Version(byte[] a, int from, int to) {
    if (to - from != 8) return false;
    return a[from] == 'H' && a[from + 1] == 'T' && a[from + 2] == 'T' && a[from + 3] == 'P'
        && a[from + 4] == '/' && a[from + 5] == '1' && a[from + 6] == '.'
        && a[from + 7] >= '0' && a[from + 7] <= '9';
  }

  private byte[] window() {
    if (window == null) window = new byte[WINDOW];
    return window;
  }
}
