package glow.proxy.sniff;

/**
 * Tests and numbers over a range of a byte array holding protocol text (ASCII); static helpers, no
 * instances. Ranges are half-open, {@code [from, to)}, in array indexes.
 */
final class AsciiBytes {
  private AsciiBytes() {}

  /** Index of the first LF in [from, to), or -1. */
  static int indexOfLf(byte[] a, int from, int to) {
    // A plain loop: header lines are tens of bytes; a word-at-a-time (SWAR) search was tried and
    // made no difference measurable here, so the simple form stays.
    for (int i = from; i < to; i++) {
      if (a[i] == '\n') return i;
    }
    return -1;
  }

  /** True if bytes [from, from+word.length) lie within [from, to) and equal the lower-case ASCII word, ignoring case. */
  static boolean regionEqualsIgnoreCase(byte[] a, int from, int to, String word) {
    if (from + word.length() > to) return false;
    for (int i = 0; i < word.length(); i++) {
      if (lower(a[from + i]) != word.charAt(i)) return false;
    }
    return true;
  }

  /** The decimal number in [from, to) after trimming spaces and tabs; -1 if absent or not a number, -2 on overflow. */
  static long parseDecimal(byte[] a, int from, int to) {
    while (from < to && (a[from] == ' ' || a[from] == '\t')) from++;
    while (to > from && (a[to - 1] == ' ' || a[to - 1] == '\t')) to--;
    if (from == to) return -1;
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) return -1;
      if (v > (Long.MAX_VALUE - d) / 10) return -2;
      v = v * 10 + d;
    }
    return v;
  }

  static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }
}
