package glow.app.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Polls a check until it holds or a deadline passes; the failure says what was last seen. */
final class Poll {
  private static final long PERIOD_MS = 200; // a node answers its API in a few ms; no need to hammer it

  private Poll() {}

  /** Calls {@code read} until {@code done} accepts its value (exceptions count as "not yet"); returns that value. */
  static <T> T until(String what, Duration within, Callable<T> read, Predicate<T> done) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    Object last = null;
    while (true) {
      try {
        T value = read.call();
        if (done.test(value)) return value;
        last = value;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (Instant.now().isAfter(deadline)) throw new AssertionError("not within " + within.toSeconds() + " s: " + what + "; last seen: " + last);
      TimeUnit.MILLISECONDS.sleep(PERIOD_MS);
    }
  }

  /** Waits until {@code instant}: for promises about the state at a given time after an event, not for a condition. */
  static void sleepUntil(Instant instant) throws InterruptedException {
    long ms = Duration.between(Instant.now(), instant).toMillis();
    if (ms > 0) TimeUnit.MILLISECONDS.sleep(ms);
  }
}
