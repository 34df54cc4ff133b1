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
 * server speaks first (SMTP, MySQL, TLS-less greeting protocols). The kept bytes (the received
 * chunks themselves, not copies) are replayed into the chosen sniffer with their original arrival
 * time so request timing starts at the first byte. The first line is copied once (at most
 * {@value #MAX_FIRST_LINE} bytes); nothing else is.
 */
final class DetectingSniffer implements Sniffer {
  static final int MAX_FIRST_LINE = 8 * 1024;

  private final ConnectionTags tags;
  private final ServerErrorListener onServerError;
  private final LongSupplier nanoClock;
  private final ReplayClock clock;
  private Sniffer chosen;
  /** The request chunks received before the decision, kept as they came (no copy). */
  private final java.util.ArrayList<ByteString> kept = new java.util.ArrayList<>(2);
  private int keptLength;
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
    int offset = keptLength;
    kept.add(bytes);
    keptLength += bytes.length();
    try {
      decide(bytes, offset);
    } catch (RuntimeException e) {
      chosen = Sniffers.PlainTcp.INSTANCE; // never into the stream
    }
    if (chosen == null) return;
    if (chosen != Sniffers.PlainTcp.INSTANCE) {
      // The kept chunks are replayed stamped with the first arrival time, so timing starts at the first byte.
      clock.pinned = firstArrival;
      try {
        for (ByteString chunk : kept) chosen.onRequestBytes(chunk);
      } finally {
        clock.pinned = Long.MIN_VALUE;
      }
    }
    forget();
  }

  @Override
  public void onResponseBytes(ByteString bytes) {
    if (chosen == null) {
      if (bytes.isEmpty()) return;
      chosen = Sniffers.PlainTcp.INSTANCE; // the server spoke first, or answered half a line
      forget();
      return;
    }
    chosen.onResponseBytes(bytes);
  }

  @Override
  public void onClose() {
    if (chosen != null) chosen.onClose();
    chosen = Sniffers.PlainTcp.INSTANCE;
    forget();
  }

  private void forget() {
    kept.clear();
    keptLength = 0;
  }

  /** Decides once the first line is complete; {@code latest} is the newest chunk, at {@code offset} in kept. */
  private void decide(ByteString latest, int offset) {
    byte first = kept.get(0).apply(0);
    if (first == '*') {
      chosen = respSniffer();
      return;
    }
    if (!(first >= 'A' && first <= 'Z') && !(first >= 'a' && first <= 'z')) {
      chosen = Sniffers.PlainTcp.INSTANCE;
      return;
    }
    int n = keptLength;
    int lf = -1;
    // Only the newest chunk is scanned (earlier ones held no LF): indexing a rope of many small
    // chunks byte by byte would cost a walk over its fragments per byte.
    int scan = Math.min(latest.length(), MAX_FIRST_LINE - offset);
    for (int i = 0; i < scan; i++) {
      if (latest.apply(i) == '\n') {
        lf = offset + i;
        break;
      }
    }
    if (lf < 0) {
      if (n >= MAX_FIRST_LINE) chosen = Sniffers.PlainTcp.INSTANCE;
      return; // wait for the rest of the first line
    }
    ByteString all = kept.get(0);
    for (int i = 1; i < kept.size(); i++) all = all.concat(kept.get(i)); // a rope: no copy
    ByteString line = all.slice(0, lf).compact(); // at most MAX_FIRST_LINE bytes, copied once
    int end = lf > 0 && line.apply(lf - 1) == '\r' ? lf - 1 : lf;
    if (endsWithHttp1(line, end)) {
      chosen = new HttpSniffer(tags, onServerError, clock);
      return;
    }
    int word = 0;
    while (word < end && word <= RespSniffer.MAX_NAME && line.apply(word) != ' ') word++;
    String name = line.slice(0, Math.min(word, RespSniffer.MAX_NAME)).utf8String().toUpperCase(java.util.Locale.ROOT);
    chosen = RespMetrics.indexOf(name) != RespMetrics.OTHER ? respSniffer() : Sniffers.PlainTcp.INSTANCE;
  }

  private static boolean endsWithHttp1(ByteString line, int end) {
    if (end < 10) return false;
    int v = end - 9; // " HTTP/1.x"
    return line.apply(v) == ' ' && line.apply(v + 1) == 'H' && line.apply(v + 2) == 'T' && line.apply(v + 3) == 'T'
        && line.apply(v + 4) == 'P' && line.apply(v + 5) == '/' && line.apply(v + 6) == '1' && line.apply(v + 7) == '.';
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
