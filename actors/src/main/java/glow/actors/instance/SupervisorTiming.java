package glow.actors.instance;

import java.time.Duration;
import java.util.Objects;

/**
 * The back-off, health, stop and rollout timings of instance supervisors; one per node, read from
 * {@code glow.node.supervisor} by {@code NodeSettings}.
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
 * @param startTimeout a process not healthy this long after its start is stopped and restarted
 *     with back-off (and a rollout that waits for it stops)
 * @param rolloutSettle after a replacement is healthy and its endpoints are confirmed by the
 *     registry, the wait before its rollout permit is released (registry subscribers on other
 *     nodes hear of changes every 200 ms)
 * @param rolloutRenew how often a supervisor that wants or holds a rollout permit tells the
 *     coordinator so
 * @param rolloutLease a permit not renewed for this long is dropped by the coordinator (its node
 *     died); a new coordinator also waits this long (plus the singleton proxies'
 *     identification interval) before granting anything; more than twice
 *     rolloutRenew
 */
public record SupervisorTiming(Duration backoffMin, Duration backoffMax, Duration stableAfter, Duration failedRetry,
    int healthFalls, Duration drain, Duration stopGrace, Duration startTimeout, Duration rolloutSettle,
    Duration rolloutRenew, Duration rolloutLease) {

  public SupervisorTiming {
    Objects.requireNonNull(backoffMin, "backoffMin");
    Objects.requireNonNull(backoffMax, "backoffMax");
    Objects.requireNonNull(stableAfter, "stableAfter");
    Objects.requireNonNull(failedRetry, "failedRetry");
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(rolloutSettle, "rolloutSettle");
    Objects.requireNonNull(rolloutRenew, "rolloutRenew");
    Objects.requireNonNull(rolloutLease, "rolloutLease");
    if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException("back-off must be 0 <= min <= max, got " + backoffMin + " and " + backoffMax);
    }
    if (healthFalls < 1) throw new IllegalArgumentException("healthFalls must be at least 1, got " + healthFalls);
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("start timeout must be positive, got " + startTimeout);
    }
    if (rolloutRenew.isNegative() || rolloutRenew.isZero()
        || rolloutLease.compareTo(rolloutRenew.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException("rollout lease must be more than twice the renew interval (a lease must"
          + " survive one lost renewal), got lease " + rolloutLease + " and renew " + rolloutRenew);
    }
  }

  /**
   * Production values (as in reference.conf): 1 s doubling to 60 s, stable after 60 s, 3 falls,
   * 2 s drain, 10 s grace, 60 s start timeout, 1 s settle, renew 1 s, lease 5 s.
   */
  public static SupervisorTiming defaults() {
    return new SupervisorTiming(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(30), 3, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  /**
   * Tests: 50 ms doubling to 400 ms, stable after 2 s, 2 falls, no drain, 2 s grace, 10 s start
   * timeout, 100 ms settle, renew 100 ms, lease 500 ms.
   */
  public static SupervisorTiming fast() {
    return new SupervisorTiming(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(2),
        Duration.ofMillis(200), 2, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10),
        Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(500));
  }

  public SupervisorTiming withFailedRetry(Duration d) {
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, d, healthFalls, drain, stopGrace, startTimeout,
        rolloutSettle, rolloutRenew, rolloutLease);
  }

  public SupervisorTiming withStopGrace(Duration d) {
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, failedRetry, healthFalls, drain, d, startTimeout,
        rolloutSettle, rolloutRenew, rolloutLease);
  }

  public SupervisorTiming withDrain(Duration d) {
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, failedRetry, healthFalls, d, stopGrace,
        startTimeout, rolloutSettle, rolloutRenew, rolloutLease);
  }

  public SupervisorTiming withStartTimeout(Duration d) {
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, failedRetry, healthFalls, drain, stopGrace, d,
        rolloutSettle, rolloutRenew, rolloutLease);
  }

  public SupervisorTiming withRolloutLease(Duration d) {
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, failedRetry, healthFalls, drain, stopGrace,
        startTimeout, rolloutSettle, rolloutRenew, d);
  }

  /** The wait before restart number n in a row (1-based): backoffMin * 2^(n-1), at most backoffMax. */
  public Duration backoff(int exitsInARow) {
    Duration d = backoffMin;
    for (int i = 1; i < exitsInARow && d.compareTo(backoffMax) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }
}
