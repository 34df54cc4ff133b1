package glow.proxy.sniff;

import akka.util.ByteString;
import java.util.function.LongSupplier;

/**
 * Recognises the protocol of one connection from its first request line, then hands every byte to
 * the sniffer for it; one per connection.
 *
 * <p>Decision: a first byte {@code *} is RESP; otherwise the first line (up to
 * {@value #MAX_FIRST_LINE} bytes) is kept: ending in {@code SP HTTP/1.x} it is HTTP, starting with a
 * known Redis command it is RESP (inline), anything else is plain TCP. So is a connection where the
 * server speaks first (SMTP, MySQL, TLS-less greeting protocols). The kept bytes (a rope of the
 * received chunks, not a copy) are replayed into the chosen sniffer with their original arrival
 * time so request timing starts at the first byte.
 */
final class DetectingSniffer implements Sniffer {
  static final int MAX_FIRST_LINE = 8 * 1024;

  private final ConnectionTags tags;
  private final ServerErrorListener onServerError;
  private final LongSupplier nanoClock;
  private final ReplayClock clock;
  private Sniffer chosen;
  private ByteString kept = ByteString.emptyByteString();
  private long firstArrival;

  DetectingSniffer(ConnectionTags tags, ServerErrorListener onServerError, LongSupplier nanoClock) {
    this.tags = tags;
    this.onServerError = onServerError;
    this.nanoClock = nanoClock;
    this.clock = new ReplayClock(nanoClock);
  }

  @Override
  public void onRequestBytes(ByteString bytes) {
    if (chosen != null) {
      chosen.onRequestBytes(bytes);
      return;
    }
    if (bytes.isEmpty()) return;
    long now = nanoClock.getAsLong();
    if (kept.isEmpty()) firstArrival = now;
    int scannedBefore = kept.length();
    kept = kept.concat(bytes);
    try {
      decide(scannedBefore);
    } catch (RuntimeException e) {
      chosen = Sniffers.PlainTcp.INSTANCE; // never into the stream
    }
    if (chosen != null && chosen != Sniffers.PlainTcp.INSTANCE) {
      ByteString replay = kept;
      kept = ByteString.emptyByteString();
      // The kept prefix is replayed as one chunk stamped with its first arrival time.
      clock.pinned = firstArrival;
      try {
        chosen.onRequestBytes(replay);
      } finally {
        clock.pinned = Long.MIN_VALUE;
      }
    } else if (chosen != null) {
      kept = ByteString.emptyByteString();
    }
  }

  @Override
  public void onResponseBytes(ByteString bytes) {
    if (chosen == null) {
      if (bytes.isEmpty()) return;
      chosen = Sniffers.PlainTcp.INSTANCE; // the server spoke first, or answered half a line
      kept = ByteString.emptyByteString();
      return;
    }
    chosen.onResponseBytes(bytes);
  }

  @Override
  public void onClose() {
    if (chosen != null) chosen.onClose();
    chosen = Sniffers.PlainTcp.INSTANCE;
    kept = ByteString.emptyByteString();
  }

  private void decide(int from) {
    byte first = kept.apply(0);
    if (first == '*') {
      chosen = respSniffer();
      return;
    }
    if (!(first >= 'A' && first <= 'Z') && !(first >= 'a' && first <= 'z')) {
      chosen = Sniffers.PlainTcp.INSTANCE;
      return;
    }
    int n = kept.length();
    int lf = -1;
    for (int i = from; i < n && i < MAX_FIRST_LINE; i++) {
      if (kept.apply(i) == '\n') {
        lf = i;
        break;
      }
    }
    if (lf < 0) {
      if (n >= MAX_FIRST_LINE) chosen = Sniffers.PlainTcp.INSTANCE;
      return; // wait for the rest of the first line
    }
    int end = lf > 0 && kept.apply(lf - 1) == '\r' ? lf - 1 : lf;
    if (endsWithHttp1(end)) {
      chosen = new HttpSniffer(tags, onServerError, clock);
      return;
    }
    int word = 0;
    while (word < end && word <= RespSniffer.MAX_NAME && kept.apply(word) != ' ') word++;
    String name = kept.slice(0, Math.min(word, RespSniffer.MAX_NAME)).utf8String().toUpperCase(java.util.Locale.ROOT);
    chosen = RespMetrics.indexOf(name) != RespMetrics.OTHER ? respSniffer() : Sniffers.PlainTcp.INSTANCE;
  }

  private boolean endsWithHttp1(int end) {
    if (end < 10) return false;
    int v = end - 9; // " HTTP/1.x"
    return kept.apply(v) == ' ' && kept.apply(v + 1) == 'H' && kept.apply(v + 2) == 'T' && kept.apply(v + 3) == 'T'
        && kept.apply(v + 4) == 'P' && kept.apply(v + 5) == '/' && kept.apply(v + 6) == '1' && kept.apply(v + 7) == '.';
  }

  private Sniffer respSniffer() {
    return new RespSniffer(tags, clock);
  }

  /** A clock that answers a fixed time while replaying kept bytes, then the real clock; one per chosen sniffer. */
  static final class ReplayClock implements LongSupplier {
    private final LongSupplier real;
    private long pinned = Long.MIN_VALUE;

    ReplayClock(LongSupplier real) {
      this.real = real;
    }

    @Override
    public long getAsLong() {
      return pinned != Long.MIN_VALUE ? pinned : real.getAsLong();
    }

  }
}
