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

  /**
   * Appends {@code n} bytes of {@code src} from {@code from}; false if the line would exceed the cap
   * (the caller gives up), in which case nothing is appended.
   */
  boolean append(byte[] src, int from, int n) {
    if (n > cap - len) return false;
    if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.min(cap, Math.max(len + n, len * 2)));
    System.arraycopy(src, from, buf, len, n);
    len += n;
    return true;
  }

  /** Bytes held, a trailing CR included. */
  int size() {
    return len;
  }

  /** The backing array: bytes [0, size()) are the line; valid until the next append or add. */
  byte[] array() {
    return buf;
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
    return AsciiBytes.regionEqualsIgnoreCase(buf, from, length(), word);
  }

  /** The decimal number in [from, to) after trimming spaces and tabs; -1 if absent or not a number, -2 on overflow. */
  long parseDecimal(int from, int to) {
    return AsciiBytes.parseDecimal(buf, from, to);
  }

  /** An ASCII string of [from, to); only used for short tokens (command names, methods). */
  String ascii(int from, int to) {
    return new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
