package glow.actors.instance;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.eventstream.EventStream;
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
import glow.actors.logs.LogRetention;
import glow.actors.process.ExitStatus;
import glow.actors.process.ProcessSpec;
import glow.actors.process.ProcessStartException;
import glow.actors.process.RunningProcess;
import glow.actors.process.Signal;
import glow.actors.registry.ServiceRegistry;
import glow.actors.rollout.RolloutTarget;
import glow.actors.rollout.Rollouts;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.ProvidedPort;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.AppSpec;
import glow.conf.spec.HealthSpec;
import glow.conf.spec.OnChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes one deployment file true on its node: fetches the artifact, writes the config file,
 * starts the process, checks its health, registers its endpoints, restarts it with back-off,
 * replaces it when the spec changes and stops it; one per instance, a sharded entity with id
 * {@code <node>/<app>#<n>} ({@link PinnedEntityIds}).
 *
 * <h2>Files</h2>
 * The instance's working directory is {@code <dataDir>/instances/<app>-<n>} (the key with '#' as
 * '-'): the process runs there and its config file is written there ({@code config.path} is
 * relative to it; {@code GLOW_CONFIG} holds its absolute path). The artifact stays where the
 * store unpacked it, shared and never written: a relative command[0] that contains a slash
 * ({@code bin/start}) is resolved against the artifact directory, a bare name ({@code java}) is
 * looked up on the PATH, other arguments are passed as they are. Output goes to
 * {@code <dataDir>/logs/<app>#<n>.log} (rotated by size) and to the node's log hub.
 *
 * <h2>States</h2>
 * {@code fetching} (artifact, config, process start in flight) → {@code starting} (process up,
 * not yet healthy) → {@code running} (healthy, endpoints registered) ⇄ {@code unhealthy}
 * (deregistered after {@code healthFalls} failed checks in a row; unhealthy for {@code
 * health.restart-after} without a passing check → {@code stopping} → {@code backoff}, see {@link
 * UnhealthyRestart}); an exit → {@code backoff} →
 * {@code fetching} again; a bad artifact, an unknown variable or a failed start → {@code failed}
 * (retried on an Ensure after {@code failedRetry}, at once when the spec changed); {@code
 * stopping} (deregistered, draining, TERM, grace, KILL) → {@code stopped} and the actor ends, or
 * → {@code fetching} for a restart or replacement. An app without a health check is {@code
 * running} once started.
 *
 * <h2>Health and registration</h2>
 * Checks go to {@code <advertiseHost>:<port>} (the address registered, so a passing check means
 * peers can connect): TCP connect, or HTTP GET of {@code health.http} answering 2xx/3xx, every
 * {@code health.interval} (every 250 ms at most until the first success), off the actor on the
 * blocking dispatcher; results of an older process are dropped by generation. Healthy registers
 * service {@code <app>:<declared port>} at {@code <advertiseHost>:<port with offset>} for every
 * provided port; unhealthy, exit and stop deregister first. An Ensure before the node has any
 * snapshot changes nothing.
 *
 * <h2>Rollouts</h2>
 * An instance serves while its process is healthy, its registrations are confirmed and {@code
 * rolloutSettle} passed; whenever it does not (first start, starting, unhealthy, back-off, failed,
 * stopping for a restart) its {@link RolloutPermit} reports it down to the cluster's {@code
 * Rollouts} coordinator, which counts it against the app's max-unavailable. A serving instance
 * whose snapshot asks for a replacement or a restart for its config does not go down on its own:
 * it asks the coordinator and the old process serves on (the detail says what it waits for) until
 * a permit comes; the permit is given back once the new process serves. An instance whose process
 * is not healthy replaces at once. A process not healthy within {@code startTimeout} is stopped
 * and restarted with back-off; that, an exit or a failed start under a permit stops the app's
 * rollout to that target. While the rollout to the snapshot's spec is stopped, this instance, if
 * it heard so while still running an older spec, keeps that spec ({@code kept}) for every restart
 * (crash, unhealthy, by hand) until a new commit; {@link KeptSpec} carries it across a node
 * restart.
 *
 * <h2>Events</h2>
 * Every change of the {@link InstanceStatus} is published on the actor system's local {@link
 * EventStream}; subscribe with {@code EventStream.Subscribe(InstanceStatus.class, ref)} (the API's
 * live events and {@code glow dev}'s console do).
 *
 * <p>Invariant: at most one process per supervisor; a new one starts only after the old one is
 * gone. A process is never left running: PostStop stops any the supervisor still owns, including
 * one whose start was in flight.
 */
public final class InstanceSupervisor extends AbstractBehavior<InstanceSupervisor.Command> {
  public sealed interface Command {}

  /**
   * Make the instance match the node's current snapshot: start it, reconfigure, replace (new
   * version/command/env/ports/limits), or stop it when the snapshot no longer has it on this node.
   * Idempotent; the reconciler sends it often.
   */
  public record Ensure() implements Command, CborSerializable {}

  /**
   * Deregister, drain, stop the process (TERM, grace, KILL to the group), then stop this actor.
   * Also the sharding hand-off message.
   */
  public record Stop() implements Command, CborSerializable {}

  /**
   * Restart the process now (API: POST /api/instances/{id}/restart), replying when the new process
   * has started, or with an error saying why it could not start.
   */
  public record Restart(ActorRef<StatusReply<Done>> replyTo) implements Command, CborSerializable {}

  public record GetStatus(ActorRef<InstanceStatus> replyTo) implements Command, CborSerializable {}

  // --- internal messages; gen is the generation of the process attempt they belong to
  private record Started(int gen, RunningProcess process, LaunchPlan plan, InstanceSpec spec) implements Command {}

  private record StartFailed(int gen, String detail) implements Command {}

  private record Exited(int gen, ExitStatus status) implements Command {}

  private record DrainOver(int gen) implements Command {}

  private record StopDone(int gen, ExitStatus status) implements Command {}

  private record BackoffOver(int gen) implements Command {}

  private record HealthTick(int gen) implements Command {}

  private record HealthResult(int gen, String failure) implements Command {}

  private record ConfigWritten(int gen, LaunchPlan plan, String error) implements Command {}

  private record StartTimedOut(int gen) implements Command {}

  // --- the rollout permit's messages (RolloutPermit)
  record PermitAnswer(Rollouts.Answer answer) implements Command {}

  enum PermitTick implements Command { INSTANCE }

  record PermitSettled(int gen) implements Command {}

  // --- the unhealthy restart's timer (UnhealthyRestart)
  record UnhealthyTooLong(int gen) implements Command {}

  private record PermitConfirmed(int gen, String error) implements Command {}

  /** What to do once the process is gone. */
  private enum AfterStop { START, BACKOFF, TERMINATE }

  /** Where the supervisor is; the user-visible state string is derived from it and from health. */
  private enum Phase { IDLE, STARTING, RUNNING, STOPPING }

  private static final Object HEALTH_TIMER = "health";
  private static final Object BACKOFF_TIMER = "backoff";
  private static final Object DRAIN_TIMER = "drain";
  private static final Object START_TIMER = "start-timeout";
  /** Health checks before the first success come at least this often, so a fast app is soon running. */
  private static final Duration STARTUP_CHECK = Duration.ofMillis(250);

  public static Behavior<Command> create(String entityId, InstanceRuntime runtime) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new InstanceSupervisor(ctx, timers, entityId, runtime)));
  }

  private final TimerScheduler<Command> timers;
  private final InstanceRuntime runtime;
  private final String key;
  private final String app;
  private final Path instanceDir;
  private final Executor blocking;
  private final InstanceOutput output;
  // processes started for this supervisor and not yet seen gone; touched by start tasks too
  private final Set<RunningProcess> owned = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RolloutPermit permit;

  private Phase phase = Phase.IDLE;
  private int gen;
  private InstanceSpec desired; // the spec last read from the snapshot (null before the first)
  private InstanceSpec attempted; // the spec of the last start attempt
  // while the rollout to desired is stopped (halted): the spec this instance ran before, which a
  // crash or a restart by hand comes back on; null when the instance follows the repo. Also in
  // keptFile, so a node restart keeps it; remembered is that file as read at start, until used.
  private InstanceSpec kept;
  private final Path keptFile;
  private KeptSpec remembered;
  private CompletableFuture<Void> keptFileWork = CompletableFuture.completedFuture(null);
  private boolean backoffPending;
  private boolean failed;
  private Instant failedAt;
  private AfterStop afterStop;
  private boolean terminating;
  private boolean countNextStart;
  private final List<ActorRef<StatusReply<Done>>> restartWaiters = new ArrayList<>();

  // the process, when phase is RUNNING or STOPPING
  private RunningProcess process;
  private LaunchPlan running;
  private InstanceSpec runningSpec;
  private Instant startedAt;
  private String appliedConfig;

  private boolean healthy;
  private int healthFails;
  private final UnhealthyRestart unhealthy;
  private final List<ServiceRegistry.Register> registered = new ArrayList<>();

  private int restarts;
  private int exitsInARow;
  private ExitStatus lastExit;
  private String state = "stopped";
  private String detail = "not started yet";
  // why the desired spec cannot replace the running process; shown instead of detail while set
  private String notApplied;
  private Instant since = Instant.now();
  private InstanceStatus lastPublished;

  private InstanceSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, String entityId,
      InstanceRuntime runtime) {
    super(ctx);
    this.timers = timers;
    this.runtime = runtime;
    this.key = PinnedEntityIds.instanceKey(entityId);
    String entityNode = PinnedEntityIds.node(entityId);
    if (!entityNode.equals(runtime.node())) {
      ctx.getLog().warn("supervisor {} runs on node {}: it follows its deployment file on this node", entityId,
          runtime.node());
    }
    int hash = key.lastIndexOf('#');
    this.app = hash > 0 ? key.substring(0, hash) : key;
    this.instanceDir = runtime.dataDir().resolve("instances").resolve(key.replace('#', '-'));
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.output = new InstanceOutput(runtime.dataDir().resolve("logs"), runtime.node(), app, key, runtime.logs(),
        LogRetention.of(ctx.getSystem().settings().config()));
    this.permit = new RolloutPermit(ctx, timers, runtime, app, key);
    this.unhealthy = new UnhealthyRestart(timers);
    this.keptFile = KeptSpec.file(runtime.dataDir(), key);
    try {
      // read on the actor's thread: one small file, once per supervisor, before its first start
      this.remembered = runtime.rollouts() == null ? null : KeptSpec.read(keptFile).orElse(null);
    } catch (IOException | RuntimeException e) {
      ctx.getLog().warn("{}cannot read {} ({}); the instance follows the repo", where(), keptFile, e.getMessage());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Ensure.class, e -> onEnsure())
        .onMessage(Stop.class, s -> onStop())
        .onMessage(Restart.class, this::onRestart)
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(Exited.class, this::onExited)
        .onMessage(DrainOver.class, d -> {
          if (d.gen() == gen && phase == Phase.STOPPING) stopProcess();
          return this;
        })
        .onMessage(StopDone.class, this::onStopDone)
        .onMessage(BackoffOver.class, this::onBackoffOver)
        .onMessage(HealthTick.class, this::onHealthTick)
        .onMessage(HealthResult.class, this::onHealthResult)
        .onMessage(ConfigWritten.class, this::onConfigWritten)
        .onMessage(StartTimedOut.class, this::onStartTimedOut)
        .onMessage(UnhealthyTooLong.class, this::onUnhealthyTooLong)
        .onMessage(PermitAnswer.class, this::onPermitAnswer)
        .onMessage(PermitTick.class, t -> {
          permit.tick();
          return this;
        })
        .onMessage(PermitConfirmed.class, this::onPermitConfirmed)
        .onMessage(PermitSettled.class, this::onPermitSettled)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  // ---------------------------------------------------------------- commands

  private Behavior<Command> onEnsure() {
    if (terminating) return this;
    return reconcile();
  }

  private Behavior<Command> onStop() {
    return terminate("stopping: asked to stop");
  }

  private Behavior<Command> onRestart(Restart r) {
    if (terminating) {
      r.replyTo().tell(StatusReply.error(where() + "is stopping, it cannot restart"));
      return this;
    }
    restartWaiters.add(r.replyTo());
    switch (phase) {
      case STARTING, STOPPING -> {
        // a start is in flight or follows the stop: the waiter hears of it
      }
      case RUNNING -> {
        countNextStart = true;
        beginStop(AfterStop.START, "stopping: restart requested");
      }
      case IDLE -> {
        timers.cancel(BACKOFF_TIMER);
        backoffPending = false;
        countNextStart = true;
        InstanceSpec want = readDesired();
        if (want == null) {
          failWaiters(where() + "is not in this node's snapshot, nothing to restart");
          forgetKept();
          return terminate("stopping: the deployment is gone from this node's snapshot");
        }
        desired = want;
        start(toStart(want));
      }
    }
    return this;
  }

  /** The one decision: compare what runs with what the snapshot wants, and act on the difference. */
  private Behavior<Command> reconcile() {
    Snapshot snapshot = runtime.snapshot().get();
    if (snapshot == null) return this; // no snapshot yet: keep whatever runs
    Optional<InstanceSpec> read = onThisNode(snapshot);
    if (read.isEmpty()) {
      forgetKept();
      return terminate("stopping: the deployment is gone from this node's snapshot");
    }
    InstanceSpec want = read.get();
    desired = want;
    InstanceSpec next = toStart(want);
    switch (phase) {
      case STARTING, STOPPING -> {
        // the start in flight (or the one after the stop) re-reconciles with the latest spec
      }
      case IDLE -> {
        if (backoffPending) {
          if (!next.equals(attempted)) {
            timers.cancel(BACKOFF_TIMER);
            backoffPending = false;
            start(next);
          }
        } else if (failed) {
          if (!next.equals(attempted) || !Instant.now().isBefore(failedAt.plus(runtime.timing().failedRetry()))) {
            start(next);
          }
        } else {
          start(next);
        }
      }
      case RUNNING -> reconcileRunning(want);
    }
    publish();
    return this;
  }

  private void reconcileRunning(InstanceSpec want) {
    LaunchPlan plan;
    try {
      plan = plan(want);
    } catch (UnknownVariableException e) {
      // the running process is the last good state: keep it, say why the new spec is not applied
      notApplied = e.getMessage() + "; still running " + runningSpec.id();
      return;
    }
    notApplied = null;
    boolean replace = !plan.launch().equals(running.launch());
    boolean configRestart = !replace && plan.onChange() == OnChange.RESTART && plan.configVersion() != null
        && !plan.configVersion().equals(appliedConfig);
    if (replace || configRestart) {
      if (kept != null && permit.haltOf(want) != null && (!healthy || permit.counted())) {
        return; // back on the spec it ran after a crash: being down does not move it onto the halted one
      }
      if (!permit.mayGoDown(want, healthy, state)) {
        notApplied = permit.waiting(); // the old process serves on until a permit comes
        return;
      }
    } else {
      permit.notNeeded();
    }
    if (replace) {
      beginStop(AfterStop.START, "stopping: replacing " + runningSpec.id() + " with " + want.id()
          + " (" + running.launch().changesTo(plan.launch()) + ")");
      return;
    }
    runningSpec = want;
    if (plan.configVersion() != null && !plan.configVersion().equals(appliedConfig)) {
      appliedConfig = plan.configVersion(); // the write in flight; a failed one resets it
      int g = gen;
      getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          AtomicFiles.write(plan.configFile(), plan.config());
          return null;
        } catch (IOException e) {
          return e.getMessage();
        }
      }, blocking), (error, t) -> new ConfigWritten(g, plan, t != null ? t.toString() : error));
    }
  }

  private Behavior<Command> onConfigWritten(ConfigWritten w) {
    if (w.gen() != gen || phase != Phase.RUNNING) return this;
    if (w.error() != null) {
      appliedConfig = null; // retried on the next Ensure
      detail = where() + "cannot write config file " + w.plan().configFile() + " (" + w.error()
          + "); check that " + instanceDir + " is writable";
      publish();
      return this;
    }
    switch (w.plan().onChange()) {
      case RELOAD -> {
        process.signal(Signal.HUP);
        detail = "config " + w.plan().configVersion() + " written, HUP sent";
      }
      case RESTART -> {
        countNextStart = true;
        beginStop(AfterStop.START, "stopping: restart for config " + w.plan().configVersion());
      }
      case NONE -> detail = "config " + w.plan().configVersion() + " written";
    }
    publish();
    return this;
  }

  // ---------------------------------------------------------------- rollout permit

  private Behavior<Command> onPermitAnswer(PermitAnswer a) {
    if (permit.onAnswer(a.answer())) return terminating ? this : reconcile(); // granted: go
    if (phase == Phase.RUNNING && permit.asking()) {
      // halted: a crash or a restart of this instance comes back on what it runs now, not the failed spec
      if (kept == null && desired != null && permit.haltOf(desired) != null) keep(runningSpec);
      notApplied = permit.waiting();
      publish();
    }
    return this;
  }

  private Behavior<Command> onPermitConfirmed(PermitConfirmed c) {
    if (c.gen() != gen) return this;
    if (c.error() != null) getContext().getLog().warn("{}{}; the rollout goes on after the settle delay", where(), c.error());
    permit.confirmed(c.gen());
    return this;
  }

  private Behavior<Command> onPermitSettled(PermitSettled s) {
    if (s.gen() != gen || phase != Phase.RUNNING || !healthy) return this;
    permit.release();
    // serving again: an instance kept on its old spec asks for the repo's at once (and hears the halt)
    return terminating ? this : reconcile();
  }

  // ---------------------------------------------------------------- start

  /** @param want the spec to start: the repo's, or the kept one ({@link #toStart}) */
  private void start(InstanceSpec want) {
    permit.starting(want);
    unhealthy.starting();
    gen++;
    attempted = want;
    if (!want.equals(kept)) desired = want;
    failed = false;
    backoffPending = false;
    phase = Phase.STARTING;
    setState("fetching", "fetching artifact " + want.spec().image() + " " + want.spec().version());
    LaunchPlan plan;
    try {
      plan = plan(want);
    } catch (UnknownVariableException e) {
      fail(e.getMessage());
      publish();
      return;
    }
    int g = gen;
    CompletableFuture<Command> task = CompletableFuture.supplyAsync(() -> launch(g, want, plan), blocking);
    getContext().pipeToSelf(task, (msg, t) -> t == null ? msg
        : new StartFailed(g, where(want) + "cannot start: " + t));
    publish();
  }

  /** Runs on the blocking dispatcher: fetch, check, write the config, open the log, start. */
  private Command launch(int g, InstanceSpec want, LaunchPlan plan) {
    String image = want.spec().image();
    String version = want.spec().version();
    try {
      Path artifact = runtime.artifacts().fetch(image, version);
      if (want.spec().command().equals(AppSpec.DEFAULT_COMMAND)) {
        ArtifactStore.requireStartScript(artifact, image, version);
      }
      Files.createDirectories(instanceDir);
      if (plan.launch().runAsUser() != null) {
        // the process's cwd is its own: an app may keep scratch files there
        Files.setOwner(instanceDir, instanceDir.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(plan.launch().runAsUser()));
      }
      if (plan.configFile() != null) AtomicFiles.write(plan.configFile(), plan.config());
      output.open();
      output.newProcess();
      if (closed.get()) return new StartFailed(g, where(want) + "not started: the supervisor has stopped");
      ProcessSpec spec = new ProcessSpec(instanceDir, plan.launch().command(artifact), plan.launch().env(), output,
          plan.launch().processLimits(), Optional.ofNullable(plan.launch().runAsUser()));
      RunningProcess p = runtime.driver().start(spec);
      owned.add(p);
      p.onExit().whenComplete((s, t) -> owned.remove(p));
      // checked after adding: either PostStop sees p in owned, or this sees closed (or both)
      if (closed.get()) p.stop(runtime.timing().stopGrace());
      return new Started(g, p, plan, want);
    } catch (ArtifactException e) {
      return new StartFailed(g, where(want) + e.getMessage());
    } catch (ProcessStartException e) {
      return new StartFailed(g, where(want) + e.getMessage());
    } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
      return new StartFailed(g, where(want) + "user " + plan.launch().runAsUser()
          + " (glow.node.run-as-user) does not exist on node " + runtime.node() + "; create it or change the setting");
    } catch (IOException e) {
      return new StartFailed(g, where(want) + "cannot prepare " + instanceDir + " (" + e.getMessage()
          + "); check that the node's data dir is writable");
    }
  }

  private Behavior<Command> onStarted(Started s) {
    if (s.gen() != gen || phase != Phase.STARTING) {
      // superseded while starting (cannot happen while the actor lives, kept for safety)
      s.process().stop(runtime.timing().stopGrace());
      return this;
    }
    phase = Phase.RUNNING;
    process = s.process();
    running = s.plan();
    runningSpec = s.spec();
    appliedConfig = s.plan().configVersion();
    startedAt = Instant.now();
    healthy = false;
    healthFails = 0;
    if (countNextStart) restarts++;
    countNextStart = false;
    int g = gen;
    getContext().pipeToSelf(process.onExit(), (status, t) -> new Exited(g, status != null ? status
        : new ExitStatus.Exited(-1)));
    for (ActorRef<StatusReply<Done>> w : restartWaiters) w.tell(StatusReply.ack());
    restartWaiters.clear();
    HealthSpec health = runningSpec.health();
    if (health == null) {
      setState("running", "started, pid " + process.pid() + " (no health check)");
      becomeHealthy();
    } else {
      setState("starting", "started, pid " + process.pid() + ", waiting for the first healthy check"
          + unhealthy.noteSuffix());
      timers.startSingleTimer(HEALTH_TIMER, new HealthTick(g), Duration.ZERO);
      timers.startSingleTimer(START_TIMER, new StartTimedOut(g), runtime.timing().startTimeout());
    }
    // the snapshot may have moved on while this start was in flight
    return reconcile();
  }

  private Behavior<Command> onStartFailed(StartFailed f) {
    if (f.gen() != gen || phase != Phase.STARTING) return this;
    fail(f.detail());
    publish();
    return this;
  }

  private void fail(String why) {
    phase = Phase.IDLE;
    failed = true;
    failedAt = Instant.now();
    countNextStart = false;
    getContext().getLog().warn("{}", why);
    permit.failed("could not start: " + why);
    setState("failed", why + " (retried in " + human(runtime.timing().failedRetry())
        + " or as soon as the repo changes)");
    failWaiters(why);
  }

  // ---------------------------------------------------------------- exit and back-off

  private Behavior<Command> onExited(Exited e) {
    if (e.gen() != gen || phase != Phase.RUNNING) return this; // a stop we asked for, or an old process
    Duration ran = Duration.between(startedAt, Instant.now());
    permit.failed(e.status() + (healthy ? ", " + human(ran) + " after its start" : " before it was healthy"));
    clearProcess(e.status());
    backoff(e.status() + " after " + human(ran), ran);
    return this;
  }

  /** No process runs: restart after the back-off for this many exits in a row. */
  private void backoff(String what, Duration ran) {
    exitsInARow = ran.compareTo(runtime.timing().stableAfter()) >= 0 ? 1 : exitsInARow + 1;
    Duration wait = runtime.timing().backoff(exitsInARow);
    phase = Phase.IDLE;
    backoffPending = true;
    countNextStart = true;
    timers.startSingleTimer(BACKOFF_TIMER, new BackoffOver(gen), wait);
    String last = output.lastLine();
    setState("backoff", what + (last == null ? "" : "; last output: \"" + last + "\"") + "; restarting in "
        + human(wait));
    publish();
  }

  private Behavior<Command> onStartTimedOut(StartTimedOut t) {
    if (t.gen() != gen || phase != Phase.RUNNING || healthy) return this;
    String why = "not healthy within " + human(runtime.timing().startTimeout()) + " of its start (last check: "
        + detail.replaceFirst("^pid \\d+, not healthy yet: ", "") + ")";
    permit.failed(why);
    beginStop(AfterStop.BACKOFF, "stopping: " + why);
    return this;
  }

  private Behavior<Command> onBackoffOver(BackoffOver b) {
    if (b.gen() != gen || !backoffPending || terminating) return this;
    backoffPending = false;
    return reconcile();
  }

  // ---------------------------------------------------------------- health

  private Behavior<Command> onHealthTick(HealthTick t) {
    if (t.gen() != gen || phase != Phase.RUNNING) return this;
    HealthSpec h = runningSpec.health();
    if (h == null) return this;
    ProvidedPort port = runningSpec.ports().get(h.port());
    if (port == null) return this; // validation guarantees it; a spec without it has no check
    String host = runtime.advertiseHost();
    int g = gen;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> HealthProbe.check(host, port.port(), h.http(),
        h.timeout()), blocking), (failure, ex) -> new HealthResult(g, ex != null ? ex.toString() : failure));
    return this;
  }

  private Behavior<Command> onHealthResult(HealthResult r) {
    if (r.gen() != gen || phase != Phase.RUNNING) return this;
    HealthSpec h = runningSpec.health();
    if (h == null) return this;
    if (r.failure() == null) {
      healthFails = 0;
      unhealthy.clear();
      if (!healthy) {
        timers.cancel(START_TIMER);
        becomeHealthy();
        setState("running", "healthy, pid " + process.pid() + unhealthy.noteSuffix());
      }
    } else if (healthy) {
      healthFails++;
      if (healthFails >= runtime.timing().healthFalls()) {
        deregisterAll();
        healthy = false;
        setState("unhealthy", r.failure() + " (" + healthFails + " checks in a row); endpoints deregistered"
            + UnhealthyRestart.plan(h));
        unhealthy.fell(h, r.failure(), gen);
      }
    } else if (state.equals("starting")) {
      detail = "pid " + process.pid() + ", not healthy yet: " + r.failure();
    } else {
      detail = r.failure() + "; endpoints deregistered" + UnhealthyRestart.plan(h); // stable: published on change
      unhealthy.failedAgain(h, r.failure(), gen);
    }
    Duration next = healthy || state.equals("unhealthy") ? h.interval()
        : (h.interval().compareTo(STARTUP_CHECK) < 0 ? h.interval() : STARTUP_CHECK);
    timers.startSingleTimer(HEALTH_TIMER, new HealthTick(gen), next);
    publish();
    return this;
  }

  /** Unhealthy for restart-after without a passing check: stop and restart it with the exits' back-off. */
  private Behavior<Command> onUnhealthyTooLong(UnhealthyTooLong u) {
    if (u.gen() != gen || phase != Phase.RUNNING || healthy) return this;
    String why = unhealthy.dueNow(runningSpec.health(), startedAt, gen);
    if (why == null) return this; // recovered, or restart-after changed: set again as needed
    permit.failed(why); // a replacement under a permit that hangs stops its rollout, like one that exits
    beginStop(AfterStop.BACKOFF, "stopping: " + why);
    return this;
  }

  private void becomeHealthy() {
    healthy = true;
    healthFails = 0;
    int g = gen;
    for (ProvidedPort p : runningSpec.ports().values()) {
      String service = app + ":" + p.declared();
      String endpoint = runtime.advertiseHost() + ":" + p.port();
      registered.add(new ServiceRegistry.Register(service, endpoint, runtime.node()));
      if (permit.counted()) {
        // under a rollout permit: released only once every node has the new endpoints
        @SuppressWarnings("unchecked")
        Class<StatusReply<Done>> replyClass = (Class<StatusReply<Done>>) (Class<?>) StatusReply.class;
        getContext().ask(replyClass, runtime.registry(),
            ServiceRegistry.CONFIRM_TIMEOUT.plusSeconds(1),
            replyTo -> new ServiceRegistry.Register(service, endpoint, runtime.node(), replyTo),
            (reply, t) -> new PermitConfirmed(g, t != null ? t.toString()
                : reply.isError() ? reply.getError().getMessage() : null));
      } else {
        runtime.registry().tell(new ServiceRegistry.Register(service, endpoint, runtime.node()));
      }
    }
    permit.healthy(g, runningSpec.ports().size());
  }

  private void deregisterAll() {
    for (ServiceRegistry.Register r : registered) {
      runtime.registry().tell(new ServiceRegistry.Deregister(r.service(), r.endpoint(), r.node()));
    }
    registered.clear();
  }

  // ---------------------------------------------------------------- stop

  private Behavior<Command> terminate(String why) {
    terminating = true;
    permit.close();
    timers.cancel(BACKOFF_TIMER);
    backoffPending = false;
    failWaiters(where() + "was stopped");
    switch (phase) {
      case RUNNING -> {
        beginStop(AfterStop.TERMINATE, why);
        return this;
      }
      case STOPPING -> {
        afterStop = AfterStop.TERMINATE;
        return this;
      }
      default -> {
        // nothing runs; a start in flight is stopped by PostStop through `closed`
        gen++;
        phase = Phase.IDLE;
        setState("stopped", why.replaceFirst("^stopping: ", ""));
        publish();
        return Behaviors.stopped();
      }
    }
  }

  /** Deregister first, so proxies stop choosing the endpoint, then drain, then stop the group. */
  private void beginStop(AfterStop then, String why) {
    phase = Phase.STOPPING;
    afterStop = then;
    timers.cancel(HEALTH_TIMER);
    deregisterAll();
    healthy = false;
    setState("stopping", why);
    Duration drain = runtime.timing().drain();
    if (drain.isZero() || drain.isNegative()) {
      stopProcess();
    } else {
      timers.startSingleTimer(DRAIN_TIMER, new DrainOver(gen), drain);
    }
    publish();
  }

  private void stopProcess() {
    int g = gen;
    getContext().pipeToSelf(process.stop(runtime.timing().stopGrace()), (status, t) -> new StopDone(g,
        status != null ? status : new ExitStatus.Exited(-1)));
  }

  private Behavior<Command> onStopDone(StopDone d) {
    if (d.gen() != gen || phase != Phase.STOPPING) return this;
    clearProcess(d.status());
    phase = Phase.IDLE;
    if (afterStop == AfterStop.BACKOFF) {
      backoff(detail.replaceFirst("^stopping: ", ""), unhealthy.takeServed());
      return this;
    }
    if (afterStop == AfterStop.TERMINATE) {
      setState("stopped", "stopped (" + d.status() + ")");
      publish();
      return Behaviors.stopped();
    }
    return reconcile();
  }

  private void clearProcess(ExitStatus status) {
    timers.cancel(HEALTH_TIMER);
    timers.cancel(START_TIMER);
    unhealthy.clear();
    deregisterAll();
    healthy = false;
    lastExit = status;
    owned.remove(process);
    process = null;
    startedAt = null;
  }

  private Behavior<Command> onPostStop() {
    closed.set(true);
    permit.close();
    deregisterAll();
    failWaiters(where() + "was stopped");
    // last resort: a failure or a stop without Stop (system shutdown) must not leave a process
    List<CompletableFuture<?>> stops = new ArrayList<>();
    for (RunningProcess p : owned) {
      getContext().getLog().warn("{}stopping left-over process {} as the supervisor stops", where(), p.pid());
      stops.add(p.stop(runtime.timing().stopGrace()).toCompletableFuture());
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> output.close());
    if (!state.equals("stopped")) {
      process = null;
      healthy = false;
      setState("stopped", "the supervisor stopped without Stop (shutdown or failure); its process was told to stop");
      publish();
    }
    return this;
  }

  // ---------------------------------------------------------------- status

  private void setState(String newState, String newDetail) {
    if (!newState.equals(state)) since = Instant.now();
    if (!newState.equals("running") && !newState.equals("starting") && !newState.equals("unhealthy")) {
      notApplied = null; // about a process that is no longer there
    }
    state = newState;
    detail = newDetail;
  }

  private InstanceStatus status() {
    InstanceSpec shown = runningSpec != null && process != null ? runningSpec : kept != null ? kept : desired;
    Map<String, Integer> ports = new LinkedHashMap<>();
    if (shown != null) shown.ports().values().forEach(p -> ports.put(p.name(), p.port()));
    Integer exitCode = lastExit == null ? null
        : lastExit instanceof ExitStatus.Exited x ? x.code() : 128 + ((ExitStatus.Killed) lastExit).signal();
    return new InstanceStatus(key, shown == null ? null : shown.id(), app,
        shown == null ? null : shown.spec().image(), shown == null ? null : shown.spec().version(), runtime.node(),
        state, notApplied != null ? notApplied : withKeptNote(detail),
        process == null ? null : process.pid(), ports, healthy,
        restarts, startedAt, exitCode, lastExit == null ? null : lastExit.toString(),
        process == null ? null : appliedConfig, since);
  }

  /**
   * Publishes the status on the local event stream when it differs from the last one published;
   * first tells the rollout permit whether the instance serves (every state change passes here).
   */
  private void publish() {
    permit.observe(phase == Phase.RUNNING && healthy, state, desired);
    InstanceStatus s = status();
    if (!s.equals(lastPublished)) {
      lastPublished = s;
      getContext().getSystem().eventStream().tell(new EventStream.Publish<>(s));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The spec of this instance in snapshot if it is deployed on this node. */
  private Optional<InstanceSpec> onThisNode(Snapshot snapshot) {
    return snapshot.instance(key).filter(i -> i.node().equals(runtime.node()));
  }

  /**
   * The spec to start: the repo's want, or the kept one while the rollout to want is stopped. A
   * new commit (another target) lifts the halt: the instance follows the repo again.
   */
  private InstanceSpec toStart(InstanceSpec want) {
    if (remembered != null) { // the first look after a node restart
      if (RolloutTarget.of(want).id().equals(remembered.halted())) {
        kept = remembered.spec();
        permit.heardHalt(want, remembered.reason());
        getContext().getLog().info("{}kept on {} as before the node restarted: rollout of {} to {} stopped: {}",
            where(), kept.id(), app, want.spec().version(), remembered.reason());
      } else {
        fileWork(() -> KeptSpec.delete(keptFile)); // a new commit came meanwhile
      }
      remembered = null;
    }
    if (kept != null && permit.haltOf(want) == null) forgetKept();
    return kept != null ? kept : want;
  }

  /** Keeps spec for restarts while the rollout to desired is stopped, in memory and in keptFile. */
  private void keep(InstanceSpec spec) {
    kept = spec;
    KeptSpec file = new KeptSpec(RolloutTarget.of(desired).id(), permit.haltOf(desired), spec);
    fileWork(() -> file.write(keptFile));
  }

  private void forgetKept() {
    if (kept == null) return;
    kept = null;
    fileWork(() -> KeptSpec.delete(keptFile));
  }

  private interface FileWork {
    void run() throws IOException;
  }

  /**
   * Off the actor's thread, one after another (a delete never overtakes the write before it); a
   * failure is logged (after a node restart the instance then follows the repo).
   */
  private void fileWork(FileWork work) {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InstanceSupervisor.class); // the actor's is not for other threads
    String where = where();
    keptFileWork = keptFileWork.thenRunAsync(() -> {
      try {
        work.run();
      } catch (IOException | RuntimeException e) {
        log.warn("{}cannot update {} ({}): after a node restart the instance follows the repo", where, keptFile,
            e.getMessage());
      }
    }, blocking);
  }

  /** The detail, with "; kept on 1.0.0: rollout of web to 1.1.0 stopped: … (fix the app and commit)" while kept. */
  private String withKeptNote(String what) {
    String why = kept == null || desired == null ? null : permit.haltOf(desired);
    if (why == null) return what;
    return what + "; kept on " + kept.spec().version() + ": rollout of " + app + " to " + desired.spec().version()
        + " stopped: " + why + " (fix the app and commit)";
  }

  /** The spec to restart with: the snapshot's, or the last one seen when there is no snapshot yet. */
  private InstanceSpec readDesired() {
    Snapshot snapshot = runtime.snapshot().get();
    return snapshot == null ? desired : onThisNode(snapshot).orElse(null);
  }

  private LaunchPlan plan(InstanceSpec spec) throws UnknownVariableException {
    return LaunchPlan.of(spec, instanceDir, runtime.nodeEnv(), runtime.runAsUser());
  }

  private void failWaiters(String why) {
    for (ActorRef<StatusReply<Done>> w : restartWaiters) w.tell(StatusReply.error(why));
    restartWaiters.clear();
  }

  private String where() {
    InstanceSpec s = desired != null ? desired : attempted;
    return s != null ? LaunchPlan.where(s) : "instance " + key + ": ";
  }

  private static String where(InstanceSpec s) {
    return LaunchPlan.where(s);
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) return ms + " ms";
    if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    return (ms / 1000) + " s";
  }
}
