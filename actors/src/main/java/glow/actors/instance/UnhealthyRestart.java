package glow.actors.instance;

import akka.actor.typed.javadsl.TimerScheduler;
import glow.conf.spec.HealthSpec;
import glow.conf.spec.Values;
import java.time.Duration;
import java.time.Instant;

/**
 * When an unhealthy instance is due for a restart ({@code health.restart-after}), why, and how
 * long its process served before, for the back-off; owns the supervisor's restart timer; one per
 * {@link InstanceSupervisor}, used only from its thread.
 *
 * <p>The clock starts at the check that made the instance unhealthy ({@code health-falls} failures
 * in a row) and is reset by a passing check or the end of the process. The deadline is computed
 * from the spec at each failed check, so a commit that changes {@code restart-after} (or sets it
 * to {@code never}) applies to an instance that is unhealthy already.
 */
final class UnhealthyRestart {
  private static final Object TIMER = "unhealthy-restart";

  private final TimerScheduler<InstanceSupervisor.Command> timers;
  private Instant since; // null unless the current process is unhealthy
  private String lastFailure;
  private String pendingNote; // why the process being stopped is restarted, for its successor
  private String note; // the same, for the process that runs now
  private Duration served = Duration.ZERO; // of the process being stopped: start to unhealthy

  UnhealthyRestart(TimerScheduler<InstanceSupervisor.Command> timers) {
    this.timers = timers;
  }

  /** "; restarted once unhealthy for 30s" for an unhealthy instance's detail, or "" for never. */
  static String plan(HealthSpec health) {
    return health.restartAfter() == null ? "" : "; restarted once unhealthy for " + Values.format(health.restartAfter());
  }

  /** The process of generation gen has just become unhealthy with this failure: the clock starts. */
  void fell(HealthSpec health, String failure, int gen) {
    since = Instant.now();
    lastFailure = failure;
    arm(health, gen);
  }

  /** Another failed check while unhealthy. */
  void failedAgain(HealthSpec health, String failure, int gen) {
    if (since == null) return;
    lastFailure = failure;
    arm(health, gen);
  }

  /** A passing check, or the process is gone: no restart is due. */
  void clear() {
    since = null;
    lastFailure = null;
    timers.cancel(TIMER);
  }

  /**
   * The timer fired for the process of generation gen (started at startedAt): returns why it is
   * restarted now and keeps that for its successor's detail; null when no restart is due (it
   * recovered, or restart-after became never or longer: the timer is set again as needed).
   */
  String dueNow(HealthSpec health, Instant startedAt, int gen) {
    Duration left = left(health);
    if (left == null || !left.isZero()) {
      arm(health, gen);
      return null;
    }
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

  /** A new process is being started: it carries the note of a restart for being unhealthy, if that is why. */
  void starting() {
    note = pendingNote;
    pendingNote = null;
  }

  /** " (restarted: unhealthy for 30s: …)" for the current process's details, or "". */
  String noteSuffix() {
    return note == null ? "" : " (" + note + ")";
  }

  /** The time left before a restart is due: zero when due now, null when none is (healthy, or never). */
  private Duration left(HealthSpec health) {
    if (since == null || health == null || health.restartAfter() == null) return null;
    Duration left = health.restartAfter().minus(Duration.between(since, Instant.now()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private void arm(HealthSpec health, int gen) {
    Duration left = left(health);
    if (left == null) {
      timers.cancel(TIMER);
    } else {
      timers.startSingleTimer(TIMER, new InstanceSupervisor.UnhealthyTooLong(gen), left);
    }
  }
}
