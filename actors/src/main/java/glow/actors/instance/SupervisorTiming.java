package glow.actors.instance;

import java.time.Duration;
import java.util.Objects;

/**
 * The back-off, health and stop timings of instance supervisors; one per node.
 *
 * @param backoffMin wait before the first restart after an exit; doubles per exit in a row
 * @param backoffMax the longest wait between restarts
 * @param stableAfter a process that ran this long resets the back-off to backoffMin
 * @param failedRetry wait before retrying a start that failed (bad artifact, unknown variable,
 *     start error) on the next Ensure; a changed spec retries at once
 * @param healthFalls failed checks in a row that make a healthy instance unhealthy
 * @param drain time between deregistering and stopping, so proxies stop choosing the endpoint
 *     (the registry gossips in about half a second)
 * @param stopGrace time between TERM and KILL when stopping a process group
 */
public record SupervisorTiming(Duration backoffMin, Duration backoffMax, Duration stableAfter, Duration failedRetry,
    int healthFalls, Duration drain, Duration stopGrace) {

  public SupervisorTiming {
    Objects.requireNonNull(backoffMin, "backoffMin");
    Objects.requireNonNull(backoffMax, "backoffMax");
    Objects.requireNonNull(stableAfter, "stableAfter");
    Objects.requireNonNull(failedRetry, "failedRetry");
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(stopGrace, "stopGrace");
    if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException("back-off must be 0 <= min <= max, got " + backoffMin + " and " + backoffMax);
    }
    if (healthFalls < 1) throw new IllegalArgumentException("healthFalls must be at least 1, got " + healthFalls);
  }

  /** Production values: 1 s doubling to 60 s, stable after 60 s, 3 falls, 2 s drain, 10 s grace. */
  public static SupervisorTiming defaults() {
    return new SupervisorTiming(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(30), 3, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /** Tests: 50 ms doubling to 400 ms, stable after 2 s, 2 falls, no drain, 2 s grace. */
  public static SupervisorTiming fast() {
    return new SupervisorTiming(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(2),
        Duration.ofMillis(200), 2, Duration.ZERO, Duration.ofSeconds(2));
  }

  /** The wait before restart number n in a row (1-based): backoffMin * 2^(n-1), at most backoffMax. */
  public Duration backoff(int exitsInARow) {
    Duration d = backoffMin;
    for (int i = 1; i < exitsInARow && d.compareTo(backoffMax) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }
}
