package glow.actors.node;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polling waits for the node tests, whose state changes arrive from other threads and processes; one static utility. */
final class Await {
  /** An upper bound only: each test class also has its own @Timeout. */
  private static final long DEADLINE_SECONDS = 40;

  private Await() {}

  /** Polls {@code condition} until it holds, or fails naming {@code what}. */
  static void until(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plusSeconds(DEADLINE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
      pause();
    }
  }

  /** One poll period (50 ms): the pause between two looks, not a wait for an event. */
  static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
