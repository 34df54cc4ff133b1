package glow.proxy.sniff;

/**
 * The requests of one connection still waiting for their answers, oldest first, as (kind, start ns)
 * pairs in a growable ring of primitives; one per sniffed connection. Bounded by {@code max}.
 */
final class PendingQueue {
  private final int max;
  private int[] kinds = new int[16];
  private long[] starts = new long[16];
  private int head;
  private int count;

  PendingQueue(int max) {
    this.max = max;
  }

  /** Adds a request; false when {@code max} are already waiting (the caller gives up). */
  boolean push(int kind, long startNanos) {
    if (count == kinds.length) {
      if (count >= max) return false;
      int[] k = new int[count * 2];
      long[] s = new long[count * 2];
      for (int i = 0; i < count; i++) {
        k[i] = kinds[(head + i) % count];
        s[i] = starts[(head + i) % count];
      }
      kinds = k;
      starts = s;
      head = 0;
    }
    int at = (head + count) % kinds.length;
    kinds[at] = kind;
    starts[at] = startNanos;
    count++;
    return true;
  }

  boolean isEmpty() {
    return count == 0;
  }

  int oldestKind() {
    return kinds[head];
  }

  long oldestStart() {
    return starts[head];
  }

  void pop() {
    head = (head + 1) % kinds.length;
    count--;
  }

  void clear() {
    count = 0;
    head = 0;
  }
}
