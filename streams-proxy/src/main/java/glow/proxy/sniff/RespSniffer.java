package glow.proxy.sniff;

import akka.util.ByteIterator;
import akka.util.ByteString;
import java.util.function.LongSupplier;

/**
 * Follows the Redis protocol (RESP2/RESP3) of one connection: counts commands by name, and matches
 * replies to commands in order (pipelining) for round-trip times and error counts; one per
 * connection recognised as Redis.
 *
 * <p>Requests are arrays of bulk strings or inline command lines; only the command name (at most
 * {@value #MAX_NAME} bytes) is copied, argument bytes are skipped by counting. Replies are parsed as
 * nested values with a bounded depth; RESP3 pushes and attributes are not replies. After SUBSCRIBE,
 * PSUBSCRIBE, SSUBSCRIBE or MONITOR replies are no longer one per command, so reply matching stops
 * (commands are still counted). Malformed input stops the sniffer, counted once as unparsed.
 */
final class RespSniffer implements Sniffer {
  static final int MAX_LINE = 8 * 1024;
  static final int MAX_NAME = 32;
  static final int MAX_DEPTH = 64;
  static final int MAX_PENDING = 4096;

  private static final int LINE = 0, BULK = 1, BULK_END = 2;

  private final RespMetrics metrics;
  private final LongSupplier nanoClock;
  private final PendingQueue pending = new PendingQueue(MAX_PENDING);
  private boolean stopped;
  /** Set when a SUBSCRIBE-like command is sent: later commands are counted but not queued. */
  private boolean pushModeRequested;
  /** Set when the oldest waiting command is SUBSCRIBE-like: replies are no longer followed. */
  private boolean repliesStopped;

  // Request side.
  private int reqState = LINE;
  private final LineBuffer reqLine = new LineBuffer(MAX_LINE);
  private long reqRemaining;
  private long argsLeft;
  private long argIndex;
  private final byte[] name = new byte[MAX_NAME];
  private int nameLen;
  private boolean nameTooLong;
  private long commandStart;

  // Response side.
  private int resState = LINE;
  private final LineBuffer resLine = new LineBuffer(MAX_LINE);
  private long resRemaining;
  private final long[] open = new long[MAX_DEPTH];
  /** Whether each open aggregate is an attribute, which decorates the next value instead of being one. */
  private final boolean[] openIsAttribute = new boolean[MAX_DEPTH];
  private int depth;
  private byte topType;

  RespSniffer(ConnectionTags tags, LongSupplier nanoClock) {
    this.metrics = RespMetrics.of(tags);
    this.nanoClock = nanoClock;
  }

  @Override
  public void onRequestBytes(ByteString bytes) {
    if (stopped) return;
    try {
      requestBytes(bytes, nanoClock.getAsLong());
    } catch (RuntimeException e) {
      giveUp(); // never into the stream
    }
  }

  @Override
  public void onResponseBytes(ByteString bytes) {
    if (stopped || repliesStopped) return;
    try {
      responseBytes(bytes, nanoClock.getAsLong());
    } catch (RuntimeException e) {
      giveUp();
    }
  }

  @Override
  public void onClose() {
    // Commands without replies were counted when sent; they simply get no time.
    stopped = true;
    pending.clear();
  }

  private void giveUp() {
    if (stopped) return;
    stopped = true;
    pending.clear();
    metrics.unparsed();
  }

  private void requestBytes(ByteString bs, long now) {
    ByteIterator it = bs.iterator(); // constant cost per byte for ropes too; arguments skipped by drop
    while (it.hasNext() && !stopped) {
      switch (reqState) {
        case BULK -> {
          int take = (int) Math.min(reqRemaining, it.len());
          // Only the command name is looked at (one byte past MAX_NAME marks it too long); the rest is skipped.
          int look = argIndex == 0 ? Math.max(0, Math.min(take, MAX_NAME + 1 - nameLen)) : 0;
          for (int k = 0; k < look; k++) captureName(it.next());
          it.drop(take - look);
          reqRemaining -= take;
          if (reqRemaining == 0) {
            reqState = BULK_END;
            reqRemaining = 2;
          }
        }
        case BULK_END -> {
          byte b = it.next();
          if (b != (reqRemaining == 2 ? '\r' : '\n')) {
            giveUp();
            return;
          }
          if (--reqRemaining == 0) {
            reqState = LINE;
            argIndex++;
            if (--argsLeft == 0) command();
          }
        }
        default -> {
          byte b = it.next();
          if (argsLeft == 0 && reqLine.isEmpty()) commandStart = now;
          if (b == '\n') {
            requestLine();
            reqLine.clear();
          } else if (!reqLine.add(b)) {
            giveUp();
            return;
          }
        }
      }
    }
  }

  private void requestLine() {
    int len = reqLine.length();
    if (argsLeft == 0) {
      if (len > 0 && reqLine.at(0) == '*') {
        long count = reqLine.parseDecimal(1, len);
        if (count < -1) giveUp();
        else if (count > 0) {
          argsLeft = count;
          argIndex = 0;
          nameLen = 0;
          nameTooLong = false;
        }
        return;
      }
      // Inline command: the first space-separated word is the name; empty lines are ignored.
      nameLen = 0;
      nameTooLong = false;
      int k = 0;
      while (k < len && reqLine.at(k) == ' ') k++;
      if (k == len) return;
      while (k < len && reqLine.at(k) != ' ') captureName(reqLine.at(k++));
      command();
      return;
    }
    if (len == 0 || reqLine.at(0) != '$') {
      giveUp();
      return;
    }
    long blen = reqLine.parseDecimal(1, len);
    if (blen < 0) {
      giveUp();
      return;
    }
    if (blen == 0) {
      reqState = BULK_END;
      reqRemaining = 2;
    } else {
      reqState = BULK;
      reqRemaining = blen;
    }
  }

  private void captureName(byte b) {
    if (nameLen == MAX_NAME) {
      nameTooLong = true;
      return;
    }
    name[nameLen++] = (byte) (b >= 'a' && b <= 'z' ? b - 32 : b);
  }

  private void command() {
    int command = nameTooLong || nameLen == 0
        ? RespMetrics.OTHER
        : RespMetrics.indexOf(new String(name, 0, nameLen, java.nio.charset.StandardCharsets.ISO_8859_1));
    metrics.command(command);
    if (pushModeRequested) return;
    // A SUBSCRIBE-like command is queued as a marker: commands before it still get their replies.
    if (RespMetrics.startsPushMode(command)) pushModeRequested = true;
    if (!pending.push(command, commandStart)) giveUp();
  }

  private void responseBytes(ByteString bs, long now) {
    ByteIterator it = bs.iterator();
    while (it.hasNext() && !stopped && !repliesStopped) {
      if (resState == BULK) {
        int take = (int) Math.min(resRemaining, it.len());
        it.drop(take);
        resRemaining -= take;
        if (resRemaining == 0) {
          resState = LINE;
          valueDone(now);
        }
      } else {
        byte b = it.next();
        if (b == '\n') {
          replyLine(now);
          resLine.clear();
        } else if (!resLine.add(b)) {
          giveUp();
          return;
        }
      }
    }
  }

  private void replyLine(long now) {
    int len = resLine.length();
    if (len == 0) {
      giveUp();
      return;
    }
    byte type = resLine.at(0);
    if (depth == 0) topType = type;
    switch (type) {
      case '+', '-', ':', '_', ',', '#', '(' -> valueDone(now);
      case '$', '!', '=' -> {
        long blen = resLine.parseDecimal(1, len);
        if (blen == -1 && resLine.regionEqualsIgnoreCase(1, "-1") && len == 3) {
          valueDone(now); // RESP2 null bulk string
        } else if (blen < 0) {
          giveUp(); // includes RESP3 streamed strings ($?), which we do not follow
        } else {
          resState = BULK;
          resRemaining = blen + 2; // data and its CRLF
        }
      }
      case '*', '~', '>', '%', '|' -> {
        long count = resLine.parseDecimal(1, len);
        if (count == -1 && len == 3 && resLine.at(1) == '-' && resLine.at(2) == '1') {
          valueDone(now); // RESP2 null array
          return;
        }
        if (count < 0) {
          giveUp();
          return;
        }
        if (type == '%' || type == '|') count *= 2; // maps and attributes hold key-value pairs
        if (count == 0) {
          valueDone(now);
        } else if (depth == MAX_DEPTH) {
          giveUp();
        } else {
          openIsAttribute[depth] = type == '|';
          open[depth++] = count;
        }
      }
      default -> giveUp();
    }
  }

  /** One value ended: close the aggregates it completes; a complete top-level reply answers the oldest command. */
  private void valueDone(long now) {
    while (depth > 0) {
      if (--open[depth - 1] > 0) return;
      depth--;
      if (openIsAttribute[depth]) return; // the value it decorates comes next
    }
    if (topType == '>') return; // a push is not a reply
    if (pending.isEmpty()) {
      giveUp(); // a reply to nothing: we lost track
      return;
    }
    if (RespMetrics.startsPushMode(pending.oldestKind())) {
      repliesStopped = true; // from here replies are pushed messages, not answers
      pending.clear();
      return;
    }
    metrics.reply(pending.oldestKind(), now - pending.oldestStart(), topType == '-' || topType == '!');
    pending.pop();
  }
}
