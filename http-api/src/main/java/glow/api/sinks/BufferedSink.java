package glow.api.sinks;

import glow.actors.logs.LogLine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.tag.TagSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink that hands lines to one sender thread through a bounded buffer, in batches, and retries a
 * failed batch with exponential back-off until it is delivered; one per configured sink.
 *
 * <p>Nothing is lost while the lines fit: up to {@code bufferLines} wait in the buffer and one batch
 * is in flight. A line that finds the buffer full is dropped and counted ({@link #dropped()}, and
 * {@code glow_logs_sink_dropped_total{sink=...}} in /metrics); the app that wrote it never waits.
 */
abstract class BufferedSink implements LogSink {
  private static final Logger log = LoggerFactory.getLogger(BufferedSink.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /** Buffer, batch and retry settings shared by every sink type. */
  record Tuning(int bufferLines, int batchLines, Duration flushInterval, Duration retryMin, Duration retryMax) {}

  private final String name;
  private final Tuning tuning;
  private final BlockingQueue<LogLine> buffer;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final Counter droppedCounter;
  private final Counter sentCounter;
  private final Gauge failing;
  private final Thread sender;
  private volatile boolean closing;

  BufferedSink(String name, String type, Tuning tuning) {
    this.name = name;
    this.tuning = tuning;
    this.buffer = new ArrayBlockingQueue<>(tuning.bufferLines());
    TagSet tags = TagSet.builder().add("sink", name).add("type", type).build();
    droppedCounter = Kamon.counter("glow.logs.sink.dropped", "log lines a sink dropped because its buffer was full").withTags(tags);
    sentCounter = Kamon.counter("glow.logs.sink.sent", "log lines a sink delivered").withTags(tags);
    failing = Kamon.gauge("glow.logs.sink.failing", "1 while the sink's destination refuses or is unreachable").withTags(tags);
    sender = new Thread(this::run, "glow-log-sink-" + name);
    sender.setDaemon(true);
  }

  /** Starts the sender thread; call once, after construction. */
  final BufferedSink start() {
    sender.start();
    return this;
  }

  /** Delivers one batch, in order; throws to have it retried. */
  abstract void send(List<LogLine> batch) throws IOException;

  /** Releases connections; called on the sender thread when it stops. */
  void disconnect() {}

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void accept(LogLine line) {
    if (closing || !buffer.offer(line)) drop(1);
  }

  private void drop(long n) {
    if (n == 0) return;
    dropped.addAndGet(n);
    droppedCounter.increment(n);
  }

  @Override
  public final long dropped() {
    return dropped.get();
  }

  @Override
  public final long sent() {
    return sent.get();
  }

  private void run() {
    List<LogLine> batch = new ArrayList<>(tuning.batchLines());
    try {
      while (!closing || !buffer.isEmpty()) {
        LogLine first = buffer.poll(tuning.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        buffer.drainTo(batch, tuning.batchLines() - 1);
        deliver(batch);
        batch.clear();
      }
    } catch (InterruptedException stop) {
      drop(batch.size()); // the batch that could not be delivered before close gave up
      Thread.currentThread().interrupt();
    } finally {
      disconnect();
    }
  }

  private void deliver(List<LogLine> batch) throws InterruptedException {
    Duration backoff = tuning.retryMin();
    boolean reported = false;
    while (true) {
      try {
        send(batch);
        sent.addAndGet(batch.size());
        sentCounter.increment(batch.size());
        if (reported) log.info("log sink {}: delivering again", name);
        failing.update(0);
        return;
      } catch (IOException | RuntimeException e) {
        failing.update(1);
        if (!reported) log.warn("log sink {}: cannot deliver ({}); retrying, buffering up to {} lines", name, e.getMessage(),
            tuning.bufferLines());
        reported = true;
        disconnect();
        if (closing) throw new InterruptedException("closing"); // the close grace is over: give up
        TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(tuning.retryMax()) > 0 ? tuning.retryMax() : backoff.multipliedBy(2);
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      sender.join(CLOSE_GRACE.toMillis());
      if (sender.isAlive()) {
        sender.interrupt();
        sender.join(CLOSE_GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drop(buffer.size());
    buffer.clear();
  }
}
