package glow.actors.instance;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import glow.actors.rollout.RolloutTarget;
import glow.actors.rollout.Rollouts;
import glow.conf.snapshot.InstanceSpec;

/**
 * One supervisor's side of the rollout protocol: tells the {@link Rollouts} coordinator while the
 * instance is not serving, asks it before a serving instance goes down for a replacement or a
 * restart-for-config, renews what it holds, reports a replacement that failed, remembers a halt it
 * heard of, and gives the lease back once a process is healthy, registered and settled; one per
 * {@link InstanceSupervisor}, used only from its thread.
 *
 * <p>Modes: NONE (serving, or no coordinator) → ASKING (the old process keeps serving; the ask is
 * repeated every renew interval) → HELD (a permit: the lease is renewed every renew interval) →
 * NONE (released). NONE or ASKING → DOWN when the instance stops serving on its own (first start,
 * crash, unhealthy, restart by hand): the down report is renewed like a permit and counts against
 * the app's max-unavailable. An instance whose process is not healthy replaces without asking,
 * since that costs no availability; a DOWN one whose new process is healthy but not yet settled
 * waits for the settle and then asks like any serving instance. HELD and DOWN are both kept through every further start until a process of the
 * instance is healthy and settled, so a failed replacement keeps counting as unavailable (and a
 * HELD one's renewals carry the halt). Only a HELD replacement's failure stops a rollout: an
 * instance that was down anyway proves nothing about the new version.
 */
final class RolloutPermit {
  private enum Mode { NONE, ASKING, HELD, DOWN }

  private static final Object TICK_TIMER = "permit-tick";
  private static final Object SETTLE_TIMER = "permit-settle";

  private final TimerScheduler<InstanceSupervisor.Command> timers;
  private final ActorRef<Rollouts.Command> rollouts; // null: no coordinator, replace at once
  private final ActorRef<Rollouts.Answer> answers;
  private final InstanceRuntime runtime;
  private final String app;
  private final String key;

  private Mode mode = Mode.NONE;
  private RolloutTarget target; // ASKING, HELD: what the permit is for; DOWN: what the repo asks for
  private int maxUnavailable = 1;
  private String waitReason;
  private RolloutTarget settlingFor; // DOWN, healthy: the target it asks for once its start settled
  private String downState; // DOWN: the supervisor's state, for the others' wait reason
  private String failure; // HELD: why this instance's replacement failed
  private boolean wentDown; // HELD: the instance stopped or started under this permit
  private int unconfirmed; // registrations of the healthy process not yet confirmed
  private boolean closed; // the supervisor stops: nothing more is reported
  // the last halt heard of while asking; outlives the modes: a kept instance repeats it when down
  private RolloutTarget haltedTarget;
  private String haltReason;

  RolloutPermit(ActorContext<InstanceSupervisor.Command> ctx, TimerScheduler<InstanceSupervisor.Command> timers,
      InstanceRuntime runtime, String app, String key) {
    this.timers = timers;
    this.runtime = runtime;
    this.rollouts = runtime.rollouts();
    this.app = app;
    this.key = key;
    this.answers = rollouts == null ? null
        : ctx.messageAdapter(Rollouts.Answer.class, InstanceSupervisor.PermitAnswer::new);
  }

  /** True while the coordinator counts this instance as unavailable (a permit, or a down report). */
  boolean counted() {
    return mode == Mode.HELD || mode == Mode.DOWN;
  }

  boolean asking() {
    return mode == Mode.ASKING;
  }

  /** Why the rollout to want stopped, when this instance heard so (and no new commit came); else null. */
  String haltOf(InstanceSpec want) {
    return haltedTarget != null && haltedTarget.equals(RolloutTarget.of(want)) ? haltReason : null;
  }

  /**
   * True when the instance may go down now to become want: no coordinator, a permit held, or its
   * process not healthy anyway. A healthy process still under a down report (its registration
   * being confirmed and settling after its start) waits for that first, then asks: it serves
   * traffic already, so going down would cost availability the coordinator does not see. Otherwise
   * asks for a permit (once; the tick repeats it) and returns false.
   *
   * @param healthy the process runs and passes its health check
   */
  boolean mayGoDown(InstanceSpec want, boolean healthy, String state) {
    if (rollouts == null) return true;
    if (mode == Mode.HELD) {
      wentDown = true; // from here on the permit is kept until a new process is healthy and settled
      return true;
    }
    if (!healthy) {
      observe(false, state, want);
      return true;
    }
    if (mode == Mode.DOWN) {
      settlingFor = RolloutTarget.of(want);
      return false; // asks once released (the supervisor reconciles after the settle)
    }
    RolloutTarget t = RolloutTarget.of(want);
    if (mode == Mode.ASKING && t.equals(target)) return false;
    if (!t.equals(haltedTarget)) forgetHalt(); // a new commit: a new rollout
    mode = Mode.ASKING;
    target = t;
    maxUnavailable = want.spec().rollout().maxUnavailable();
    waitReason = "asking the rollout coordinator for a permit";
    send();
    timers.startTimerWithFixedDelay(TICK_TIMER, InstanceSupervisor.PermitTick.INSTANCE, runtime.timing().rolloutRenew());
    return false;
  }

  /**
   * The supervisor's state changed: an instance that stops serving on its own reports itself down
   * (at once: the coordinator must count it before its next grant). Serving again ends a down
   * report only through {@link #healthy}, {@link #confirmed} and the settle delay.
   *
   * @param want the spec the repo asks for (a DOWN report names its target)
   */
  void observe(boolean serving, String state, InstanceSpec want) {
    if (rollouts == null || closed || serving || mode == Mode.HELD || want == null) return;
    RolloutTarget t = RolloutTarget.of(want);
    if (!t.equals(haltedTarget)) forgetHalt(); // a new commit: a new rollout
    boolean news = mode != Mode.DOWN || !t.equals(target);
    if (mode != Mode.DOWN) {
      timers.cancel(SETTLE_TIMER);
      unconfirmed = 0;
      timers.startTimerWithFixedDelay(TICK_TIMER, InstanceSupervisor.PermitTick.INSTANCE,
          runtime.timing().rolloutRenew());
    }
    mode = Mode.DOWN; // also from ASKING: a crash while waiting needs no permit any more
    settlingFor = null;
    target = t;
    maxUnavailable = want.spec().rollout().maxUnavailable();
    downState = state;
    waitReason = null;
    if (news) send();
  }

  /** The wanted change went away while asking, or a granted permit was never used: give it back. */
  void notNeeded() {
    settlingFor = null;
    if (mode == Mode.ASKING || (mode == Mode.HELD && !wentDown)) release();
  }

  /** A process for want is being started; a held permit follows the (maybe newer) target. */
  void starting(InstanceSpec want) {
    if (mode == Mode.DOWN) {
      timers.cancel(SETTLE_TIMER);
      unconfirmed = 0;
      return;
    }
    if (mode != Mode.HELD) return;
    wentDown = true;
    unconfirmed = 0;
    timers.cancel(SETTLE_TIMER);
    RolloutTarget t = RolloutTarget.of(want);
    if (!t.equals(target)) {
      target = t;
      maxUnavailable = want.spec().rollout().maxUnavailable();
      failure = null; // a new commit: a new rollout, carried by this permit
      send();
    }
  }

  /** @return true when this answer grants a permit the supervisor was waiting for */
  boolean onAnswer(Rollouts.Answer a) {
    switch (a.verdict()) {
      case GRANTED -> {
        // only a grant for the target asked for counts: a late answer to an earlier renewal
        // (released since) must not send a serving instance down without a permit
        if (mode == Mode.ASKING && target.id().equals(a.target())) {
          mode = Mode.HELD;
          wentDown = false;
          if (target.equals(haltedTarget)) forgetHalt(); // the coordinator no longer holds it halted
          return true;
        }
        // a grant for a request given up meanwhile: hand it back at once
        if (mode == Mode.NONE) rollouts.tell(new Rollouts.Release(app, key));
      }
      case WAIT -> {
        if (mode == Mode.ASKING) waitReason = a.reason();
      }
      case HALTED -> {
        if (mode == Mode.ASKING && target != null && target.id().equals(a.target())) {
          haltedTarget = target;
          haltReason = a.reason();
        }
      }
    }
    return false;
  }

  /** The rollout to want stopped for reason, as remembered across a node restart. */
  void heardHalt(InstanceSpec want, String reason) {
    haltedTarget = RolloutTarget.of(want);
    haltReason = reason;
  }

  /** A new commit lifted the halt: the instance follows the repo again. */
  void forgetHalt() {
    haltedTarget = null;
    haltReason = null;
  }

  /** Renew what is held, or ask again. */
  void tick() {
    if (mode != Mode.NONE) send();
  }

  /** The replacement under this permit did not become healthy: the app's rollout to the target stops. */
  void failed(String why) {
    if (mode == Mode.DOWN) {
      unconfirmed = 0;
      timers.cancel(SETTLE_TIMER);
      return;
    }
    if (mode != Mode.HELD || !wentDown) return;
    unconfirmed = 0;
    timers.cancel(SETTLE_TIMER);
    failure = key + " on " + runtime.node() + ": " + why;
    send();
  }

  /**
   * The process of generation gen became healthy: its n registrations are on their way; {@link
   * #confirmed} counts them down, then the settle delay runs.
   */
  void healthy(int gen, int registrations) {
    if (!counted()) return;
    unconfirmed = registrations;
    if (unconfirmed == 0) settle(gen);
  }

  void confirmed(int gen) {
    if (!counted() || unconfirmed == 0) return;
    if (--unconfirmed == 0) settle(gen);
  }

  private void settle(int gen) {
    timers.startSingleTimer(SETTLE_TIMER, new InstanceSupervisor.PermitSettled(gen), runtime.timing().rolloutSettle());
  }

  /** The instance serves (or asks nothing any more): give back what is held. A halt heard of is kept. */
  void release() {
    if (counted()) rollouts.tell(new Rollouts.Release(app, key));
    mode = Mode.NONE;
    target = null;
    settlingFor = null;
    failure = null;
    waitReason = null;
    downState = null;
    wentDown = false;
    unconfirmed = 0;
    timers.cancel(TICK_TIMER);
    timers.cancel(SETTLE_TIMER);
  }

  /** The supervisor stops (deployment gone, shutdown): release, and report nothing more. */
  void close() {
    if (rollouts != null) release();
    closed = true;
  }

  /** Why the instance keeps its old process, for its status detail; null unless asking or settling. */
  String waiting() {
    if (mode == Mode.DOWN && settlingFor != null) {
      return "waiting to roll to " + settlingFor.version() + ": its own start settles first (registration and"
          + " rollout-settle)";
    }
    if (mode != Mode.ASKING) return null;
    if (target.equals(haltedTarget)) {
      return "rollout of " + app + " to " + target.version() + " stopped: " + haltReason + " (fix the app and commit)";
    }
    return "waiting to roll to " + target.version() + ": " + waitReason;
  }

  private void send() {
    Rollouts.Kind kind = switch (mode) {
      case HELD -> Rollouts.Kind.RENEW;
      case DOWN -> Rollouts.Kind.DOWN;
      default -> Rollouts.Kind.ASK;
    };
    String halt = mode == Mode.HELD ? failure : target.equals(haltedTarget) ? haltReason : null;
    rollouts.tell(new Rollouts.Request(app, key, runtime.node(), target.id(), target.version(), maxUnavailable, kind,
        mode == Mode.DOWN ? downState : null, halt, answers));
  }
}
