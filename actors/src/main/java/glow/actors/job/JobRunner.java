package glow.actors.job;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.pattern.StatusReply;
import glow.actors.CborSerializable;
import glow.actors.artifact.ArtifactException;
import glow.actors.artifact.ArtifactStore;
import glow.actors.cluster.PinnedEntityIds;
import glow.actors.files.AtomicFiles;
import glow.actors.files.UnknownVariableException;
import glow.actors.instance.InstanceOutput;
import glow.actors.instance.InstanceRuntime;
import glow.actors.instance.LaunchPlan;
import glow.actors.logs.LogRetention;
import glow.actors.process.ExitStatus;
import glow.actors.process.ProcessSpec;
import glow.actors.process.ProcessStartException;
import glow.actors.process.RunningProcess;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.AppSpec;
import glow.conf.spec.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Runs one job on the node its file names and keeps its history; one per job, a sharded entity
 * with id {@code <node>/job:<name>} pinned to that node ({@link PinnedEntityIds}).
 *
 * <h2>A run</h2>
 * The snapshot's {@link Snapshot#jobRuns() job run spec} (the app with the job's command, the
 * app's env, config file and requires, no provided ports) is expanded with the instance pieces
 * ({@link LaunchPlan}) and started as one process in {@code <dataDir>/jobs/<name>/runs/<id>/},
 * with {@code GLOW_JOB} and {@code GLOW_JOB_RUN} added to its environment. Its output goes to the
 * node's log hub (instance {@code job:<name>#<id>}) and to {@code <dataDir>/jobs/<name>/logs/job:<name>#<id>.log}.
 * A {@code timeout} stops it (TERM, the stop grace, KILL to the process group). A run owns its
 * plan from start to end: a repo change never touches a running run, so a deploy neither kills
 * nor doubles it; the next run uses the new version.
 *
 * <h2>Ticks, exactly once</h2>
 * {@link RunTick} comes from the {@link JobScheduler} singleton, possibly more than once for the
 * same tick (it is resent after a singleton move). The runner accepts a tick only when it is after
 * the last one it accepted, and writes that tick to {@link JobHistory}'s file before it starts the
 * process, so a resend is dropped even across node restarts.
 *
 * <h2>Overlap</h2>
 * {@code forbid} records a due run as skipped while another runs (a manual run is refused);
 * {@code allow} starts it beside; {@code replace} stops the running ones, then starts it.
 *
 * <h2>Node restarts</h2>
 * A run's process dies with its node (the process driver's parent-death signal). When the runner
 * starts again it marks every run its file still shows running as {@code lost} and does not
 * rerun it.
 *
 * <p>The entity runs on the blocking dispatcher: it writes its small history file synchronously,
 * so the file never lags behind what the runner decided.
 */
public final class JobRunner extends AbstractBehavior<JobRunner.Command> {
  public sealed interface Command {}

  /** Run for this schedule tick, unless a tick at or after it was accepted before. */
  public record RunTick(Instant tick) implements Command, CborSerializable {}

  /** Run now (API); replies with the run id, or an error when forbid and a run is going. */
  public record RunNow(ActorRef<StatusReply<Integer>> replyTo) implements Command, CborSerializable {}

  /** Replies with the last tick this job accepted (the scheduler's restart point). */
  public record GetLastTick(ActorRef<LastTick> replyTo) implements Command, CborSerializable {}

  public record LastTick(String job, Instant tick) implements CborSerializable {}

  public record GetHistory(ActorRef<History> replyTo) implements Command, CborSerializable {}

  /** The runs of a job, oldest first, and the last tick accepted. */
  public record History(String job, String node, Instant lastTick, List<JobRun> runs) implements CborSerializable {}

  /** Stop every running run and then this actor (sharding hand-off). */
  public record Stop() implements Command, CborSerializable {}

  private record Started(int id, RunningProcess process) implements Command {}

  private record StartFailed(int id, String detail) implements Command {}

  private record Exited(int id, ExitStatus status) implements Command {}

  private record TimedOut(int id) implements Command {}

  private record Due(String trigger, Instant tick) {}

  /** A run whose process is starting or running; endAs says why we stop it, when we do. */
  private static final class Active {
    final InstanceOutput output;
    RunningProcess process;
    String endAs;
    String endDetail;

    Active(InstanceOutput output) {
      this.output = output;
    }
  }

  public static Behavior<Command> create(String entityId, InstanceRuntime runtime) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new JobRunner(ctx, t, entityId, runtime)));
  }

  private final TimerScheduler<Command> timers;
  private final InstanceRuntime runtime;
  private final String name;
  private final Path jobDir;
  private final Path historyFile;
  private final Executor blocking;
  private final LogRetention retention;
  private final Map<Integer, Active> active = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private JobHistory history;
  private Due afterReplace;

  private JobRunner(ActorContext<Command> ctx, TimerScheduler<Command> timers, String entityId, InstanceRuntime runtime) {
    super(ctx);
    this.timers = timers;
    this.runtime = runtime;
    String key = PinnedEntityIds.instanceKey(entityId);
    if (!key.startsWith("job:")) throw new IllegalArgumentException("job runner id " + entityId + " is not <node>/job:<name>");
    this.name = key.substring("job:".length());
    this.jobDir = runtime.dataDir().resolve("jobs").resolve(name);
    this.historyFile = jobDir.resolve("history.json");
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.retention = LogRetention.of(ctx.getSystem().settings().config());
    JobHistory read;
    try {
      read = JobHistory.read(historyFile);
    } catch (IOException e) {
      ctx.getLog().error("job {}: cannot read {} ({}); starting with an empty history, the next tick runs", name,
          historyFile, e.getMessage());
      read = JobHistory.EMPTY;
    }
    history = read;
    Instant now = Instant.now();
    for (JobRun r : read.runs()) {
      if (r.running()) {
        history = history.replace(r.ended(now, "lost", "lost (node restarted): the process died with the node; not rerun", null));
      }
    }
    if (history != read) save();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunTick.class, this::onTick)
        .onMessage(RunNow.class, this::onRunNow)
        .onMessage(GetLastTick.class, g -> {
          g.replyTo().tell(new LastTick(name, history.lastTick()));
          return this;
        })
        .onMessage(GetHistory.class, g -> {
          g.replyTo().tell(new History(name, runtime.node(), history.lastTick(), history.runs()));
          return this;
        })
        .onMessage(Stop.class, s -> onStop())
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(Exited.class, this::onExited)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  // ---------------------------------------------------------------- triggers

  private Behavior<Command> onTick(RunTick t) {
    if (history.lastTick() != null && !t.tick().isAfter(history.lastTick())) {
      getContext().getLog().debug("job {}: tick {} already accepted (last {}), dropped", name, t.tick(), history.lastTick());
      return this;
    }
    if (currentJob() == null || !currentJob().node().equals(runtime.node())) {
      // this node's snapshot may lag the scheduler's (a job just added): not accepted, so a resend runs it
      getContext().getLog().info("job {}: tick {} not accepted: the job is not in node {}'s snapshot (yet)", name,
          t.tick(), runtime.node());
      return this;
    }
    history = history.withTick(t.tick());
    save(); // before anything runs: a resend of this tick is a duplicate from now on, even after a restart
    String refused = trigger(new Due("schedule", t.tick()));
    if (refused != null) getContext().getLog().info("job {}: tick {}: {}", name, t.tick(), refused);
    return this;
  }

  private Behavior<Command> onRunNow(RunNow r) {
    int id = history.nextId();
    String refused = trigger(new Due("manual", null));
    r.replyTo().tell(refused == null ? StatusReply.success(id) : StatusReply.error(refused));
    return this;
  }

  /** Applies the overlap policy; null when a run starts (now or after the replaced ones stop), else why not. */
  private String trigger(Due due) {
    Snapshot snapshot = runtime.snapshot().get();
    JobSpec job = snapshot == null ? null : snapshot.jobs().get(name);
    if (job == null || !job.node().equals(runtime.node())) {
      return "job " + name + " is not in node " + runtime.node() + "'s snapshot; nothing to run";
    }
    if (!active.isEmpty()) {
      switch (job.overlap()) {
        case FORBID -> {
          String why = "skipped: previous run " + String.join(", ", active.keySet().stream().map(i -> "#" + i).toList())
              + " still running (overlap: forbid)";
          if (due.trigger().equals("schedule")) {
            Instant now = Instant.now();
            record(new JobRun(history.nextId(), due.trigger(), due.tick(), now, now, "skipped", why, null,
                versionOf(snapshot), null, null));
          }
          return "job " + name + " " + why;
        }
        case REPLACE -> {
          afterReplace = due; // the latest wins: one start once the old ones are gone
          for (Map.Entry<Integer, Active> e : active.entrySet()) {
            stopRun(e.getKey(), e.getValue(), "replaced", "stopped: replaced by a newer run (overlap: replace)");
          }
          return null;
        }
        case ALLOW -> {
          // start beside it
        }
      }
    }
    start(due, snapshot);
    return null;
  }

  private String versionOf(Snapshot snapshot) {
    InstanceSpec spec = snapshot.jobRuns().get(name);
    return spec == null ? null : spec.spec().version();
  }

  // ---------------------------------------------------------------- start

  private void start(Due due, Snapshot snapshot) {
    InstanceSpec spec = snapshot.jobRuns().get(name);
    int id = history.nextId();
    Path runDir = jobDir.resolve("runs").resolve(Integer.toString(id));
    String key = "job:" + name + "#" + id;
    InstanceOutput output = new InstanceOutput(jobDir.resolve("logs"), runtime.node(), spec.app(), key, runtime.logs(),
        retention);
    Path log = jobDir.resolve("logs").resolve(key + ".log").toAbsolutePath();
    Instant now = Instant.now();
    JobRun run = new JobRun(id, due.trigger(), due.tick(), now, null, "running", "starting", null,
        spec.spec().version(), null, log.toString());
    LaunchPlan plan;
    try {
      plan = LaunchPlan.of(spec, runDir, runtime.nodeEnv(), runtime.runAsUser());
    } catch (UnknownVariableException e) {
      record(run.ended(now, "start-failed", e.getMessage(), null));
      return;
    }
    history = history.add(run);
    save();
    active.put(id, new Active(output));
    getContext().getLog().info("job {}: run #{} ({}{}) starting {}", name, id, due.trigger(),
        due.tick() == null ? "" : " " + due.tick(), spec.id());
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> launch(id, spec, plan, runDir, output), blocking),
        (msg, t) -> t == null ? msg : new StartFailed(id, "cannot start: " + t));
  }

  /** Runs on the blocking dispatcher: fetch, write the config, open the log, start. */
  private Command launch(int id, InstanceSpec spec, LaunchPlan plan, Path runDir, InstanceOutput output) {
    String image = spec.spec().image();
    String version = spec.spec().version();
    try {
      Path artifact = runtime.artifacts().fetch(image, version);
      if (spec.spec().command().equals(AppSpec.DEFAULT_COMMAND)) ArtifactStore.requireStartScript(artifact, image, version);
      Files.createDirectories(runDir);
      if (plan.configFile() != null) AtomicFiles.write(plan.configFile(), plan.config());
      output.open();
      if (closed.get()) return new StartFailed(id, "not started: the runner has stopped");
      Map<String, String> env = new LinkedHashMap<>(plan.launch().env());
      env.put("GLOW_JOB", name);
      env.put("GLOW_JOB_RUN", Integer.toString(id));
      ProcessSpec ps = new ProcessSpec(runDir, plan.launch().command(artifact), env, output,
          plan.launch().processLimits(), Optional.ofNullable(plan.launch().runAsUser()));
      RunningProcess p = runtime.driver().start(ps);
      // checked after starting: either PostStop sees it in active (via Started) or this sees closed
      if (closed.get()) p.stop(runtime.timing().stopGrace());
      return new Started(id, p);
    } catch (ArtifactException | ProcessStartException e) {
      return new StartFailed(id, e.getMessage());
    } catch (IOException e) {
      return new StartFailed(id, "cannot prepare " + runDir + " (" + e.getMessage() + "); check that the node's data dir is writable");
    }
  }

  private Behavior<Command> onStarted(Started s) {
    Active a = active.get(s.id());
    if (a == null) {
      s.process().stop(runtime.timing().stopGrace());
      return this;
    }
    a.process = s.process();
    update(s.id(), r -> new JobRun(r.id(), r.trigger(), r.tick(), r.started(), null, "running",
        "started, pid " + s.process().pid(), null, r.version(), s.process().pid(), r.log()));
    int id = s.id();
    getContext().pipeToSelf(s.process().onExit(), (status, t) -> new Exited(id, status != null ? status
        : new ExitStatus.Exited(-1)));
    if (a.endAs != null) {
      s.process().stop(runtime.timing().stopGrace()); // replaced while it was starting
    } else {
      JobSpec job = currentJob();
      if (job != null && job.timeout() != null) timers.startSingleTimer(timerKey(id), new TimedOut(id), job.timeout());
    }
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed f) {
    Active a = active.remove(f.id());
    if (a == null) return this;
    a.output.close();
    getContext().getLog().warn("job {}: run #{} {}", name, f.id(), f.detail());
    finish(f.id(), "start-failed", f.detail(), null);
    return this;
  }

  // ---------------------------------------------------------------- end

  private Behavior<Command> onTimedOut(TimedOut t) {
    Active a = active.get(t.id());
    if (a == null || a.process == null) return this;
    JobSpec job = currentJob();
    stopRun(t.id(), a, "timed-out", "stopped: timeout " + (job == null || job.timeout() == null ? "" : job.timeout().toMillis() + " ms ")
        + "reached");
    return this;
  }

  private void stopRun(int id, Active a, String endAs, String detail) {
    if (a.endAs != null) return;
    a.endAs = endAs;
    a.endDetail = detail;
    timers.cancel(timerKey(id));
    if (a.process != null) a.process.stop(runtime.timing().stopGrace()); // TERM, grace, KILL to the group; Exited follows
  }

  private Behavior<Command> onExited(Exited e) {
    Active a = active.remove(e.id());
    if (a == null) return this;
    timers.cancel(timerKey(e.id()));
    a.output.close();
    Integer code = e.status() instanceof ExitStatus.Exited x ? x.code() : 128 + ((ExitStatus.Killed) e.status()).signal();
    String state = a.endAs != null ? a.endAs : e.status().success() ? "succeeded" : "failed";
    String detail = a.endDetail != null ? a.endDetail + "; " + e.status() : e.status().toString();
    String last = a.output.lastLine();
    if (state.equals("failed") && last != null) detail += "; last output: \"" + last + "\"";
    finish(e.id(), state, detail, code);
    if (afterReplace != null && active.isEmpty() && !closed.get()) {
      Due due = afterReplace;
      afterReplace = null;
      Snapshot snapshot = runtime.snapshot().get();
      if (snapshot != null && snapshot.jobRuns().containsKey(name)) start(due, snapshot);
    }
    return this;
  }

  private void finish(int id, String state, String detail, Integer code) {
    Instant now = Instant.now();
    update(id, r -> r.ended(now, state, detail, code));
    getContext().getLog().info("job {}: run #{} {}: {}", name, id, state, detail);
    trim();
  }

  /** Appends a run that is over at once (skipped, start-failed) and trims. */
  private void record(JobRun run) {
    history = history.add(run);
    trim();
  }

  /** Keeps {@code keep} finished runs and deletes the logs and work dirs of the older ones, then saves. */
  private void trim() {
    JobSpec job = currentJob();
    int keep = job == null ? 20 : job.keep();
    JobHistory.Trimmed t = history.trim(keep);
    history = t.history();
    save();
    for (JobRun r : t.dropped()) {
      if (r.log() != null) deleteLogs(Path.of(r.log()));
      deleteTree(jobDir.resolve("runs").resolve(Integer.toString(r.id())));
    }
  }

  private void deleteLogs(Path log) {
    try (Stream<Path> files = Files.list(log.getParent())) {
      String base = log.getFileName().toString();
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.equals(base) || n.startsWith(base + ".")) Files.deleteIfExists(f); // the file and its rotations
      }
    } catch (IOException e) {
      getContext().getLog().warn("job {}: cannot delete old log {}: {}", name, log, e.getMessage());
    }
  }

  private void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
    } catch (IOException e) {
      getContext().getLog().warn("job {}: cannot delete old run dir {}: {}", name, dir, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- stop

  private Behavior<Command> onStop() {
    return Behaviors.stopped(); // PostStop stops the processes; the next start marks those runs lost
  }

  private Behavior<Command> onPostStop() {
    closed.set(true);
    for (Active a : new ArrayList<>(active.values())) {
      if (a.process != null) {
        getContext().getLog().warn("job {}: stopping run process {} as the runner stops", name, a.process.pid());
        a.process.stop(runtime.timing().stopGrace()).whenComplete((s, t) -> a.output.close());
      } else {
        a.output.close();
      }
    }
    return this;
  }

  // ---------------------------------------------------------------- helpers

  private JobSpec currentJob() {
    Snapshot snapshot = runtime.snapshot().get();
    return snapshot == null ? null : snapshot.jobs().get(name);
  }

  private void update(int id, java.util.function.UnaryOperator<JobRun> f) {
    for (JobRun r : history.runs()) {
      if (r.id() == id) {
        history = history.replace(f.apply(r));
        save();
        return;
      }
    }
  }

  private void save() {
    try {
      history.write(historyFile);
    } catch (IOException e) {
      getContext().getLog().error("job {}: cannot write {} ({}); check that the node's data dir is writable", name,
          historyFile, e.getMessage());
    }
  }

  private static String timerKey(int id) {
    return "timeout-" + id;
  }
}
