package glow.proxy.sniff;

/**
 * The bytes of one protocol line being assembled across chunks; one per parser direction. Bounded:
 * {@link #add} refuses a byte beyond the cap so a pathological line cannot grow memory.
 */
final class LineBuffer {
  private final int cap;
  private byte[] buf = new byte[128];
  private int len;

  LineBuffer(int cap) {
    this.cap = cap;
  }

  /** Appends one byte; false once the line would exceed the cap (the caller gives up). */
  boolean add(byte b) {
    if (len == buf.length) {
      if (len >= cap) return false;
      buf = java.util.Arrays.copyOf(buf, Math.min(cap, len * 2));
    }
    buf[len++] = b;
    return true;
  }

  /** Length without a trailing CR (lines end in CRLF; a bare LF is tolerated). */
  int length() {
    return len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
  }

  byte at(int i) {
    return buf[i];
  }

  boolean isEmpty() {
    return len == 0;
  }

  void clear() {
    len = 0;
  }

  /** True if bytes [from, from+word.length) equal the ASCII word, ignoring case. */
  boolean regionEqualsIgnoreCase(int from, String word) {
    if (from + word.length() > length()) return false;
    for (int i = 0; i < word.length(); i++) {
      if (lower(buf[from + i]) != word.charAt(i)) return false;
    }
    return true;
  }

  /** The decimal number in [from, to) after trimming spaces and tabs; -1 if absent or not a number, -2 on overflow. */
  long parseDecimal(int from, int to) {
    while (from < to && (buf[from] == ' ' || buf[from] == '\t')) from++;
    while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) to--;
    if (from == to) return -1;
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) return -1;
      if (v > (Long.MAX_VALUE - d) / 10) return -2;
      v = v * 10 + d;
    }
    return v;
  }

  /** An ASCII string of [from, to); only used for short tokens (command names, methods). */
  String ascii(int from, int to) {
    return new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }
}
