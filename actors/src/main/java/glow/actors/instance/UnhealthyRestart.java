package glow.actors.instance;

import glow.conf.spec.HealthSpec;
import glow.conf.spec.Values;
import java.time.Duration;
import java.time.Instant;

/**
 * When an unhealthy instance is due for a restart ({@code health.restart-after}), why, and how
 * long its process served before, for the back-off; one per {@link InstanceSupervisor}, used only
 * from its thread.
 *
 * <p>The clock starts at the check that made the instance unhealthy ({@code health-falls} failures
 * in a row) and is reset by a passing check or the end of the process. The deadline is computed
 * from the spec at each check, so a commit that changes {@code restart-after} (or sets it to
 * {@code never}) applies to an instance that is unhealthy already.
 */
final class UnhealthyRestart {
  private Instant since; // null unless the current process is unhealthy
  private String lastFailure;
  private String pendingNote; // why the process being stopped is restarted, for its successor
  private String note; // the same, for the process that runs now
  private Duration served = Duration.ZERO; // of the process being stopped: start to unhealthy

  void becameUnhealthy(Instant now, String failure) {
    since = now;
    lastFailure = failure;
  }

  void failedAgain(String failure) {
    if (since != null) lastFailure = failure;
  }

  /** A passing check, or the process is gone: no restart is due. */
  void clear() {
    since = null;
    lastFailure = null;
  }

  /** The time left before a restart is due: zero when due now, null when none is (healthy, or never). */
  Duration left(HealthSpec health, Instant now) {
    if (since == null || health == null || health.restartAfter() == null) return null;
    Duration left = health.restartAfter().minus(Duration.between(since, now));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * The process (started at startedAt) is restarted now: returns why, for its status detail, and
   * keeps it for the next process's detail. Only when {@link #left} is zero.
   */
  String restarting(HealthSpec health, Instant startedAt) {
    String why = "unhealthy for " + Values.format(health.restartAfter()) + ": " + lastFailure;
    served = Duration.between(startedAt, since);
    pendingNote = "restarted: " + why;
    clear();
    return why;
  }

  /**
   * How long the process stopped for a restart served before it became unhealthy (zero for a stop
   * of another kind); once. A process that served {@code stable-after} resets the back-off like one
   * that ran that long before an exit; one that hangs again soon after each start backs off more.
   */
  Duration takeServed() {
    Duration s = served;
    served = Duration.ZERO;
    return s;
  }

  /** A new process starts: it carries the note of a restart for being unhealthy, if that is why. */
  void started() {
    note = pendingNote;
    pendingNote = null;
  }

  /** "; restarted once unhealthy for 30s" for an unhealthy instance's detail, or "" for never. */
  static String plan(HealthSpec health) {
    return health.restartAfter() == null ? "" : "; restarted once unhealthy for " + Values.format(health.restartAfter());
  }

  /** " (restarted: unhealthy for 30s: …)" for the current process's details, or "". */
  String noteSuffix() {
    return note == null ? "" : " (" + note + ")";
  }
}
