package glow.actors.job;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Nodes;
import glow.actors.cluster.Placement;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.JobSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides when every job is due and tells its {@link JobRunner}; one per cluster (a cluster
 * singleton, started by {@link #init} on every node).
 *
 * <h2>Exactly once per tick</h2>
 * Every {@code poll} the scheduler computes, for each job whose node is Up, the latest cron tick
 * before now (cron-utils, in the job's time zone) and sends {@code RunTick(tick)} to the job's
 * runner when that tick is after the last one it knows of. It keeps no durable state of its own:
 * the runner's history file is the one record of the last tick accepted. A scheduler that starts
 * (first start, singleton moved to another node, restarted after a failure) and a scheduler that
 * sees a job's node come Up again first ask that runner ({@link JobRunner.GetLastTick}) and carry
 * on from its answer. Delivery to the runner is thus at least once (a tick whose message was lost
 * with a crashing node is re-derived and resent) and the runner drops ticks at or before its last
 * one, so each tick runs once. Keeping the last tick in Distributed Data instead would be a second
 * copy that can disagree with the runner's file; the runner is on the only node that can run the
 * job anyway, so asking it costs nothing when it matters.
 *
 * <h2>Missed ticks</h2>
 * Only the latest due tick is ever sent: ticks missed while the node was down collapse into one.
 * A tick older than {@code lateness} (the node was down, or no scheduler ran) is sent only when
 * the job has {@code catch-up: true}; otherwise it is passed over and the job waits for its next
 * tick. Within {@code lateness} a tick is on time (a singleton hand-over takes seconds).
 *
 * <p>The clock is a parameter ({@link Settings#clock()}): tests drive the schedule with a clock
 * they move, while the runs themselves are real processes in real time.
 */
public final class JobScheduler extends AbstractBehavior<JobScheduler.Command> {
  public sealed interface Command {}

  private enum Poll implements Command { INSTANCE }

  private record GotLastTick(String job, Instant tick, Instant askedAt, String error) implements Command {}

  private record NodesChanged(Nodes nodes) implements Command {}

  /** Singleton name; part of actor paths, never change it. */
  public static final String NAME = "job-scheduler";

  /**
   * How the scheduler reads time.
   *
   * @param clock    where "now" comes from (the system's UTC clock in production)
   * @param poll     how often due ticks are computed; a run starts at most this late
   * @param lateness a tick older than this is a missed one (see the class comment)
   * @param askTimeout how long the runner may take to say its last tick
   */
  public record Settings(Clock clock, Duration poll, Duration lateness, Duration askTimeout) {
    public static Settings defaults() {
      return new Settings(Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5));
    }
  }

  /** Starts the singleton manager on this node (every node calls it once) and returns its proxy. */
  public static ActorRef<Command> init(ActorSystem<?> system, InstanceSupervisors<JobRunner.Command> runners,
      Supplier<Snapshot> current, Settings settings) {
    Behavior<Command> behavior = Behaviors.supervise(create(runners, current, Placement.get(system), settings))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, NAME));
  }

  /** The behavior (the singleton's, or a plain actor's in tests). */
  public static Behavior<Command> create(InstanceSupervisors<JobRunner.Command> runners, Supplier<Snapshot> current,
      Placement placement, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new JobScheduler(ctx, t, runners, current, placement, settings)));
  }

  private final InstanceSupervisors<JobRunner.Command> runners;
  private final Supplier<Snapshot> current;
  private final Placement placement;
  private final Settings settings;
  /** Per job: the last tick sent or accepted by its runner; absent = ask the runner first. */
  private final Map<String, Instant> lastTick = new HashMap<>();
  private final Set<String> asking = new HashSet<>();
  /** Per job being asked: when this scheduler first asked (a failed ask is retried; this stays). */
  private final Map<String, Instant> firstAsked = new HashMap<>();
  private Set<String> upBefore = Set.of();

  private JobScheduler(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      InstanceSupervisors<JobRunner.Command> runners, Supplier<Snapshot> current, Placement placement, Settings settings) {
    super(ctx);
    this.runners = runners;
    this.current = current;
    this.placement = placement;
    this.settings = settings;
    placement.subscribe(ctx.messageAdapter(Nodes.class, NodesChanged::new));
    timers.startTimerWithFixedDelay(Poll.INSTANCE, Poll.INSTANCE, Duration.ZERO, settings.poll());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessage(GotLastTick.class, this::onGotLastTick)
        .onMessage(NodesChanged.class, this::onNodesChanged)
        .build();
  }

  private Behavior<Command> onPoll() {
    Snapshot snapshot = current.get();
    if (snapshot == null) return this;
    Instant now = settings.clock().instant();
    for (JobSpec job : snapshot.jobs().values()) {
      if (!placement.isUp(job.node())) continue; // never message an absent node; catch-up decides on its return
      if (!lastTick.containsKey(job.name())) {
        ask(job);
        continue;
      }
      Optional<Instant> due = JobSchedule.latest(job, now);
      Instant known = lastTick.get(job.name());
      if (due.isEmpty() || (known != null && !due.get().isAfter(known))) continue;
      Instant tick = due.get();
      lastTick.put(job.name(), tick);
      if (now.isAfter(tick.plus(settings.lateness())) && !job.catchUp()) {
        getContext().getLog().info("job {}: tick {} was missed (its node was down or no scheduler ran) and catch-up is off; "
            + "waiting for the next tick", job.name(), tick);
        continue;
      }
      runners.tellIfUp(job.node(), "job:" + job.name(), new JobRunner.RunTick(tick));
    }
    return this;
  }

  private void ask(JobSpec job) {
    if (!asking.add(job.name())) return;
    String name = job.name();
    Instant askedAt = firstAsked.computeIfAbsent(name, n -> settings.clock().instant());
    getContext().pipeToSelf(runners.entityRef(job.node(), "job:" + name)
            .ask(JobRunner.GetLastTick::new, settings.askTimeout()),
        (reply, t) -> t != null ? new GotLastTick(name, null, askedAt, t.toString())
            : new GotLastTick(name, reply.tick(), askedAt, null));
  }

  private Behavior<Command> onGotLastTick(GotLastTick g) {
    asking.remove(g.job());
    if (g.error() != null) {
      getContext().getLog().warn("job {}: its runner did not say its last tick ({}); asking again", g.job(), g.error());
      return this;
    }
    firstAsked.remove(g.job());
    Instant tick = g.tick();
    if (tick == null) {
      // never ran: start from the latest tick before the scheduler first saw the job, so a new job
      // first runs at its next tick
      Snapshot snapshot = current.get();
      JobSpec job = snapshot == null ? null : snapshot.jobs().get(g.job());
      tick = job == null ? null : JobSchedule.latest(job, g.askedAt()).orElse(Instant.EPOCH);
      if (tick == null) return this;
    }
    lastTick.put(g.job(), tick);
    return this;
  }

  private Behavior<Command> onNodesChanged(NodesChanged n) {
    Set<String> up = n.nodes().up();
    Snapshot snapshot = current.get();
    if (snapshot != null) {
      for (JobSpec job : snapshot.jobs().values()) {
        // a node that (re)joined may have restarted: its runner's file is the truth again
        if (up.contains(job.node()) && !upBefore.contains(job.node())) lastTick.remove(job.name());
      }
    }
    upBefore = Set.copyOf(up);
    return this;
  }
}
