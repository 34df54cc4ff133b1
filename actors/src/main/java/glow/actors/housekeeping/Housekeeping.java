package glow.actors.housekeeping;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs its node's {@link DataDirSweep} every {@code interval} and after every new snapshot, one
 * pass at a time, on the blocking dispatcher, and logs what each pass removed; one per node.
 *
 * <p>A request that arrives while a pass runs starts one more pass when it ends (requests in
 * between are merged into that one), so a burst of repo changes costs at most two passes.
 */
public final class Housekeeping extends AbstractBehavior<Housekeeping.Command> {
  public sealed interface Command {}

  /** Run a pass soon (the node sends it after every new snapshot in force). */
  public record Sweep() implements Command {}

  /** Run a pass soon and reply with its report. */
  public record SweepAndReport(ActorRef<DataDirSweep.Report> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Done(DataDirSweep.Report report, String runningUnknown, String jobsUnknown, Throwable error)
      implements Command {}

  /** What the supervisors (or runners) said runs here, or why it is not known. */
  private record Running(Set<String> names, String unknownBecause) {
    static CompletionStage<Running> of(Supplier<CompletionStage<Set<String>>> ask) {
      CompletionStage<Set<String>> asked;
      try {
        asked = ask.get();
      } catch (RuntimeException e) {
        asked = CompletableFuture.failedFuture(e);
      }
      return asked.handle((names, e) -> e == null ? new Running(names, null) : new Running(null, e.toString()));
    }
  }

  /** Both answers a pass starts from. */
  private record Asked(Running versions, Running jobs) {}

  /** At most this many failures are logged one by one per pass; the rest are counted. */
  private static final int FAILURES_LOGGED = 20;

  /**
   * @param runningHere asks this node's instance supervisors which versions their processes run
   *     ("image/version"); asked before every pass, off the actor thread. A failed answer leaves the
   *     artifact cache alone for that pass.
   * @param jobsRunningHere asks this node's job runners which jobs have a run going here; asked
   *     before every pass, off the actor thread. A failed answer leaves the job dirs alone for that pass.
   */
  public static Behavior<Command> create(DataDirSweep sweep, Supplier<CompletionStage<Set<String>>> runningHere,
      Supplier<CompletionStage<Set<String>>> jobsRunningHere) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t ->
        new Housekeeping(ctx, t, sweep, runningHere, jobsRunningHere)));
  }

  private final DataDirSweep sweep;
  private final Supplier<CompletionStage<Set<String>>> runningHere;
  private final Supplier<CompletionStage<Set<String>>> jobsRunningHere;
  private final Executor blocking;
  private boolean running;
  /** A request came while a pass ran: run once more when it ends. */
  private boolean again;
  private List<ActorRef<DataDirSweep.Report>> waitingForRunning = new ArrayList<>();
  private List<ActorRef<DataDirSweep.Report>> waitingForNext = new ArrayList<>();

  private Housekeeping(ActorContext<Command> ctx, TimerScheduler<Command> timers, DataDirSweep sweep,
      Supplier<CompletionStage<Set<String>>> runningHere, Supplier<CompletionStage<Set<String>>> jobsRunningHere) {
    super(ctx);
    ctx.setLoggerName(Housekeeping.class);
    this.sweep = sweep;
    this.runningHere = runningHere;
    this.jobsRunningHere = jobsRunningHere;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, sweep.settings().interval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Sweep.class, s -> request())
        .onMessageEquals(Tick.INSTANCE, this::request)
        .onMessage(SweepAndReport.class, s -> {
          waitingForNext.add(s.replyTo());
          return request();
        })
        .onMessage(Done.class, this::onDone)
        .build();
  }

  private Behavior<Command> request() {
    if (running) {
      again = true;
    } else {
      start();
    }
    return this;
  }

  private void start() {
    running = true;
    again = false;
    waitingForRunning = waitingForNext;
    waitingForNext = new ArrayList<>();
    CompletionStage<Done> pass = Running.of(runningHere).thenCombine(Running.of(jobsRunningHere), Asked::new)
        .thenApplyAsync(a -> new Done(sweep.run(a.versions().names(), a.jobs().names()), a.versions().unknownBecause(),
            a.jobs().unknownBecause(), null), blocking);
    getContext().pipeToSelf(pass, (done, error) -> error != null ? new Done(null, null, null, error) : done);
  }

  private Behavior<Command> onDone(Done d) {
    running = false;
    if (d.error() != null) {
      // run() catches what it expects; anything else is a bug, but the next pass should still come
      getContext().getLog().error("housekeeping: pass failed", d.error());
    } else {
      if (d.runningUnknown() != null && !d.report().skipped()) {
        getContext().getLog().info("housekeeping: artifact cache left alone this pass: cannot tell which versions "
            + "this node's instances run ({})", d.runningUnknown());
      }
      if (d.jobsUnknown() != null && !d.report().skipped()) {
        getContext().getLog().info("housekeeping: job dirs left alone this pass: cannot tell which jobs run here ({})",
            d.jobsUnknown());
      }
      log(d.report());
      waitingForRunning.forEach(r -> r.tell(d.report()));
    }
    waitingForRunning = new ArrayList<>();
    if (again || !waitingForNext.isEmpty()) start();
    return this;
  }

  private void log(DataDirSweep.Report r) {
    var log = getContext().getLog();
    if (r.skipped()) {
      log.debug("housekeeping: skipped, no snapshot read from the repo yet");
      return;
    }
    for (DataDirSweep.Removal removal : r.removed()) {
      log.info("housekeeping: removed {} ({}, {})", removal.what(), removal.path(), bytes(removal.bytes()));
    }
    int n = 0;
    for (DataDirSweep.Failure f : r.failures()) {
      if (n++ == FAILURES_LOGGED) {
        log.warn("housekeeping: {} more paths could not be removed", r.failures().size() - FAILURES_LOGGED);
        break;
      }
      log.warn("housekeeping: cannot remove {}: {} (skipped; fix its permissions or remove it by hand)",
          f.path(), f.error());
    }
    if (!r.removed().isEmpty() || !r.failures().isEmpty()) {
      log.info("housekeeping: repo version {}: {} removed, {} freed, {} failures", r.snapshotVersion(),
          r.removed().size(), bytes(r.bytesFreed()), r.failures().size());
    }
  }

  /** "1.5 MB"-style size for log lines (1 MB = 1024 * 1024 bytes). */
  static String bytes(long n) {
    if (n < 1024) return n + " B";
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
