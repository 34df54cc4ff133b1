package glow.actors.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The node-wide stream of log lines: every instance's lines go in, tails and forwarders subscribe;
 * one per node. Thread-safe.
 *
 * <p>A publisher never waits for a subscriber: each subscription has a bounded queue drained on a
 * shared pool, and a line that does not fit is dropped for that subscriber and counted. Filters run
 * on the publisher's thread, so keep them cheap. The last {@code recentCapacity} lines stay in a
 * ring buffer for {@link #since} queries (what a new tail shows first).
 */
public final class NodeLogHub implements AutoCloseable {
  /** Lines one drain task hands over before yielding the pool thread to other subscribers. */
  private static final int DRAIN_BATCH = 256;

  private final LogLine[] ring;
  private int ringNext;
  private int ringCount;
  private final int queueCapacity;
  private final List<Sub> subs = new CopyOnWriteArrayList<>();
  private final ExecutorService pool;

  /**
   * @param recentCapacity lines kept for since queries
   * @param queueCapacity lines buffered per subscriber before it starts losing lines
   */
  public NodeLogHub(int recentCapacity, int queueCapacity) {
    if (recentCapacity <= 0 || queueCapacity <= 0) throw new IllegalArgumentException("capacities must be positive");
    this.ring = new LogLine[recentCapacity];
    this.queueCapacity = queueCapacity;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "glow-log-hub-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** A live subscription; close it to stop delivery. */
  public interface Subscription extends AutoCloseable {
    /** Lines this subscriber lost because its queue was full. */
    long dropped();

    @Override
    void close();
  }

  public void publish(LogLine line) {
    synchronized (ring) {
      ring[ringNext] = line;
      ringNext = (ringNext + 1) % ring.length;
      if (ringCount < ring.length) ringCount++;
    }
    for (Sub s : subs) s.offer(line);
  }

  /** Delivers every published line that matches filter to consumer, in publish order, on a pool thread. */
  public Subscription subscribe(Predicate<LogLine> filter, Consumer<LogLine> consumer) {
    Sub s = new Sub(filter, consumer);
    subs.add(s);
    return s;
  }

  /** Recent lines (from the ring buffer) at or after since that match filter, oldest first; at most the latest max. */
  public List<LogLine> since(Instant since, Predicate<LogLine> filter, int max) {
    List<LogLine> snapshot = new ArrayList<>(ringCount);
    synchronized (ring) {
      int start = (ringNext - ringCount + ring.length) % ring.length;
      for (int i = 0; i < ringCount; i++) snapshot.add(ring[(start + i) % ring.length]);
    }
    List<LogLine> out = snapshot.stream().filter(l -> !l.timestamp().isBefore(since)).filter(filter).toList();
    return out.size() <= max ? out : out.subList(out.size() - max, out.size());
  }

  @Override
  public void close() {
    for (Sub s : subs) s.close();
    pool.shutdown();
  }

  private final class Sub implements Subscription {
    private final Predicate<LogLine> filter;
    private final Consumer<LogLine> consumer;
    private final Queue<LogLine> queue = new ArrayBlockingQueue<>(queueCapacity);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    Sub(Predicate<LogLine> filter, Consumer<LogLine> consumer) {
      this.filter = filter;
      this.consumer = consumer;
    }

    void offer(LogLine line) {
      if (closed || !filter.test(line)) return;
      if (!queue.offer(line)) dropped.incrementAndGet();
      scheduleDrain();
    }

    private void scheduleDrain() {
      if (!queue.isEmpty() && !closed && draining.compareAndSet(false, true)) {
        try {
          pool.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
          draining.set(false);
        }
      }
    }

    private void drain() {
      for (int i = 0; i < DRAIN_BATCH && !closed; i++) {
        LogLine l = queue.poll();
        if (l == null) break;
        try {
          consumer.accept(l);
        } catch (RuntimeException e) {
          // one failing subscriber must not stop its own stream or anyone else's
        }
      }
      draining.set(false);
      scheduleDrain(); // lines that arrived meanwhile, or the rest beyond the batch
    }

    @Override
    public long dropped() {
      return dropped.get();
    }

    @Override
    public void close() {
      closed = true;
      subs.remove(this);
      queue.clear();
    }
  }
}
