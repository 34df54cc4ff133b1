package glow.actors.instance;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import glow.actors.rollout.RolloutTarget;
import glow.actors.rollout.Rollouts;
import glow.conf.snapshot.InstanceSpec;

/**
 * One supervisor's side of the rollout permit protocol: asks the {@link Rollouts} coordinator
 * before a serving instance goes down for a replacement or a restart-for-config, renews the
 * permit while it holds it, reports a replacement that failed, and releases the permit once the
 * new process is healthy, registered and settled; one per {@link InstanceSupervisor}, used only
 * from its thread.
 *
 * <p>Modes: NONE → ASKING (the old process keeps running; the request is repeated every renew
 * interval) → HELD (the lease is renewed every renew interval) → NONE (released). An instance
 * that is not serving goes down without a permit; one that holds a permit keeps it through every
 * further start until a process of it is healthy and settled, so a failed replacement keeps
 * counting as unavailable (and its renewals carry the halt).
 */
final class RolloutPermit {
  private enum Mode { NONE, ASKING, HELD }

  private static final Object TICK_TIMER = "permit-tick";
  private static final Object SETTLE_TIMER = "permit-settle";

  private final TimerScheduler<InstanceSupervisor.Command> timers;
  private final ActorRef<Rollouts.Command> rollouts; // null: no coordinator, replace at once
  private final ActorRef<Rollouts.Answer> answers;
  private final InstanceRuntime runtime;
  private final String app;
  private final String key;

  private Mode mode = Mode.NONE;
  private RolloutTarget target;
  private int maxUnavailable = 1;
  private String waitReason;
  private String halt; // HELD: why this instance's replacement failed; ASKING: a halt heard of
  private boolean wentDown; // HELD: the instance stopped or started under this permit
  private int unconfirmed; // registrations of the healthy process not yet confirmed

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

  boolean held() {
    return mode == Mode.HELD;
  }

  boolean asking() {
    return mode == Mode.ASKING;
  }

  /**
   * True when the instance may go down now to become want: no coordinator, a permit held, or not
   * serving anyway. Otherwise asks for a permit (once; the tick repeats it) and returns false.
   */
  boolean mayGoDown(InstanceSpec want, boolean serving) {
    if (rollouts == null) return true;
    if (mode == Mode.HELD) {
      wentDown = true; // from here on the permit is kept until a new process is healthy and settled
      return true;
    }
    if (!serving) {
      notNeeded();
      return true;
    }
    RolloutTarget t = RolloutTarget.of(want);
    if (mode == Mode.ASKING && t.equals(target)) return false;
    mode = Mode.ASKING;
    target = t;
    maxUnavailable = want.spec().rollout().maxUnavailable();
    halt = null;
    waitReason = "asking the rollout coordinator for a permit";
    send();
    timers.startTimerWithFixedDelay(TICK_TIMER, InstanceSupervisor.PermitTick.INSTANCE, runtime.timing().rolloutRenew());
    return false;
  }

  /** The wanted change went away while asking, or a granted permit was never used: give it back. */
  void notNeeded() {
    if (mode == Mode.ASKING || (mode == Mode.HELD && !wentDown)) release();
  }

  /** A process for want is being started; a held permit follows the (maybe newer) target. */
  void starting(InstanceSpec want) {
    if (mode == Mode.ASKING) {
      release(); // not serving: it goes down without a permit
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
      halt = null; // a new commit: a new rollout, carried by this permit
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
          return true;
        }
        // a grant for a request given up meanwhile: hand it back at once
        if (mode == Mode.NONE) rollouts.tell(new Rollouts.Release(app, key));
      }
      case WAIT -> {
        if (mode == Mode.ASKING) waitReason = a.reason();
      }
      case HALTED -> {
        if (mode == Mode.ASKING && target != null && target.id().equals(a.target())) halt = a.reason();
      }
    }
    return false;
  }

  /** Renew the permit held, or ask again. */
  void tick() {
    if (mode != Mode.NONE) send();
  }

  /** The replacement under this permit did not become healthy: the app's rollout to the target stops. */
  void failed(String why) {
    if (mode != Mode.HELD || !wentDown) return;
    unconfirmed = 0;
    timers.cancel(SETTLE_TIMER);
    halt = key + " on " + runtime.node() + ": " + why;
    send();
  }

  /**
   * The process of generation gen became healthy: its n registrations are on their way; {@link
   * #confirmed} counts them down, then the settle delay runs.
   */
  void healthy(int gen, int registrations) {
    if (mode != Mode.HELD) return;
    unconfirmed = registrations;
    if (unconfirmed == 0) settle(gen);
  }

  void confirmed(int gen) {
    if (mode != Mode.HELD || unconfirmed == 0) return;
    if (--unconfirmed == 0) settle(gen);
  }

  private void settle(int gen) {
    timers.startSingleTimer(SETTLE_TIMER, new InstanceSupervisor.PermitSettled(gen), runtime.timing().rolloutSettle());
  }

  void release() {
    if (mode == Mode.HELD) rollouts.tell(new Rollouts.Release(app, key));
    mode = Mode.NONE;
    target = null;
    halt = null;
    waitReason = null;
    wentDown = false;
    unconfirmed = 0;
    timers.cancel(TICK_TIMER);
    timers.cancel(SETTLE_TIMER);
  }

  /** Why the instance keeps its old process, for its status detail; null unless asking. */
  String waiting() {
    if (mode != Mode.ASKING) return null;
    if (halt != null) {
      return "rollout of " + app + " to " + target.version() + " stopped: " + halt + " (fix the app and commit)";
    }
    return "waiting to roll to " + target.version() + ": " + waitReason;
  }

  private void send() {
    rollouts.tell(new Rollouts.Request(app, key, runtime.node(), target.id(), target.version(), maxUnavailable,
        mode == Mode.HELD, halt, answers));
  }
}
