package glow.actors.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import glow.actors.artifact.ArtifactStore;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Placement;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceRuntime;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.instance.SupervisorTiming;
import glow.actors.expose.HttpExposes;
import glow.actors.housekeeping.DataDirSweep;
import glow.actors.housekeeping.Housekeeping;
import glow.actors.job.JobRunner;
import glow.actors.job.JobScheduler;
import glow.actors.job.RunningJobs;
import glow.actors.listener.Listeners;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.ProcessDriver;
import glow.actors.repo.RepoSources;
import glow.actors.repo.RepoSync;
import glow.actors.repo.RepoUpdate;
import glow.actors.rollout.Rollouts;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Everything a working Glow node runs on top of {@link GlowNode}'s core: the repo topic, the repo
 * sync singleton, the rollout coordinator singleton, the instance supervisor region, the job runner region and the job scheduler
 * singleton, the proxy listeners (loopback and tcp exposes), the http expose listeners, the data dir
 * housekeeping and the node agent; one per
 * node, started by {@link #start} inside the guardian. The OS-touching pieces (driver, artifact
 * store, log hub) are made by the caller, who also closes them after the node has stopped.
 */
public final class NodeServices implements GlowNode.Extras {
  /** The OS-facing parts every supervisor shares, and their timings. */
  public record Parts(ProcessDriver driver, ArtifactStore artifacts, NodeLogHub logs, SupervisorTiming timing,
      ListenersSettings listeners, Map<String, String> nodeEnv) {}

  /** How often the TLS files of http exposes are checked for a new certificate. */
  private static final Duration CERT_CHECK = Duration.ofSeconds(10);
  /**
   * How long housekeeping waits for each local supervisor's status (job runner's history) before it
   * leaves the artifact cache (the job dirs) alone.
   */
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

  private final Parts parts;
  private final JobScheduler.Settings jobTiming;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private volatile ActorRef<RepoSync.Command> sync;
  private volatile ActorRef<Rollouts.Command> rollouts;
  private volatile ActorRef<NodeAgent.Command> agent;
  private volatile ActorRef<Topic.Command<RepoUpdate>> topic;
  private volatile ActorRef<Listeners.Command> listeners;
  private volatile ActorRef<HttpExposes.Command> httpExposes;
  private volatile InstanceSupervisors<JobRunner.Command> jobRunners;
  private volatile ActorRef<Housekeeping.Command> housekeeping;

  public NodeServices(Parts parts) {
    this(parts, JobScheduler.Settings.defaults());
  }

  /** With the job scheduler's clock and timings given (tests drive the schedule with their own clock). */
  public NodeServices(Parts parts, JobScheduler.Settings jobTiming) {
    this.parts = parts;
    this.jobTiming = jobTiming;
  }

  @Override
  public void start(ActorContext<Void> guardian, GlowNode node) {
    NodeSettings s = node.settings();
    topic = guardian.spawn(Topic.create(RepoUpdate.class, RepoUpdate.TOPIC), "repo-updates");
    RepoSource source = s.repo().map(r -> RepoSources.of(r, s.branch(), s.dataDir())).orElse(null);
    sync = RepoSync.init(node.system(), source, s.syncInterval(), topic, node.registry(), current::get);
    rollouts = Rollouts.init(node.system(), parts.timing().rolloutLease());
    InstanceRuntime runtime = new InstanceRuntime(s.name(), s.host(), s.dataDir(), parts.driver(), parts.artifacts(),
        parts.logs(), node.registry(), current::get, parts.timing(), parts.nodeEnv(), s.runAsUser().orElse(null),
        rollouts);
    InstanceSupervisors<InstanceSupervisor.Command> supervisors = Sharding.initInstanceSupervisors(node.system(),
        InstanceSupervisor.Command.class, ctx -> InstanceSupervisor.create(ctx.getEntityId(), runtime),
        new InstanceSupervisor.Stop());
    jobRunners = Sharding.initJobRunners(node.system(), JobRunner.Command.class,
        ctx -> JobRunner.create(ctx.getEntityId(), runtime), new JobRunner.Stop());
    JobScheduler.init(node.system(), jobRunners, current::get, jobTiming);
    ActorRef<Listeners.Command> proxies = guardian.spawn(Behaviors.supervise(
        Listeners.create(s.name(), node.registry(), parts.listeners())).onFailure(SupervisorStrategy.restart()), "listeners");
    listeners = proxies;
    // tcp exposes are listeners of `proxies`; http exposes (one Akka HTTP server per address) live here
    ActorRef<HttpExposes.Command> http = guardian.spawn(Behaviors.supervise(
        HttpExposes.create(s.name(), node.registry(), parts.listeners(), CERT_CHECK))
        .onFailure(SupervisorStrategy.restart()), "http-exposes");
    httpExposes = http;
    ActorRef<Housekeeping.Command> cleaner = guardian.spawn(Behaviors.supervise(Housekeeping.create(
        new DataDirSweep(s.name(), s.dataDir(), parts.artifacts(), s.housekeeping(), current::get),
        () -> runningHere(s.name(), node.placement(), supervisors),
        () -> node.placement().isUp(s.name())
            ? RunningJobs.here(node.system(), jobRunners, s.name(), STATUS_TIMEOUT)
            : CompletableFuture.failedFuture(new IllegalStateException("node not Up"))))
        .onFailure(SupervisorStrategy.restart()), "housekeeping");
    housekeeping = cleaner;
    NodeAgent.Wiring wiring = new NodeAgent.Wiring(s.name(), current, supervisors, topic, sync,
        snapshot -> {
          proxies.tell(new Listeners.Apply(snapshot));
          http.tell(new HttpExposes.Apply(snapshot));
          cleaner.tell(new Housekeeping.Sweep()); // marks what the new snapshot uses at once
        },
        node.placement(), s.syncInterval(), Duration.ofSeconds(3));
    agent = guardian.spawn(
        Behaviors.supervise(NodeAgent.create(wiring)).onFailure(SupervisorStrategy.restart()), "node-agent");
  }

  /**
   * "image/version" of the process each instance supervisor of this node runs or starts (an old
   * version until a rollout replaced it), asked of every instance the snapshot in force places here;
   * fails when one does not answer within {@link #STATUS_TIMEOUT}.
   */
  private CompletionStage<Set<String>> runningHere(String node, Placement placement,
      InstanceSupervisors<InstanceSupervisor.Command> supervisors) {
    Snapshot snapshot = current.get();
    if (snapshot == null) return CompletableFuture.completedFuture(Set.of());
    // an ask to a node that is not Up waits in the shard region until it times out
    if (!placement.isUp(node)) return CompletableFuture.failedFuture(new IllegalStateException("node not Up"));
    List<CompletableFuture<InstanceStatus>> asks = snapshot.instancesOn(node).stream()
        .map(i -> supervisors.entityRef(node, i.key())
            .ask(InstanceSupervisor.GetStatus::new, STATUS_TIMEOUT).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> asks.stream()
        .map(CompletableFuture::join)
        .filter(st -> st.image() != null && st.version() != null)
        .map(st -> st.image() + "/" + st.version())
        .collect(Collectors.toSet()));
  }

  /** The snapshot in force on this node, null before the first one arrived. */
  public Snapshot current() {
    return current.get();
  }

  /** The proxy of the repo sync singleton (send {@link RepoSync.SyncNow} to load now). */
  public ActorRef<RepoSync.Command> sync() {
    return sync;
  }

  /** The proxy of the rollout coordinator singleton (ask {@link Rollouts.GetState} for the apps rolling). */
  public ActorRef<Rollouts.Command> rollouts() {
    return rollouts;
  }

  public ActorRef<NodeAgent.Command> agent() {
    return agent;
  }

  /** The loopback proxy listeners of this node. */
  public ActorRef<Listeners.Command> listeners() {
    return listeners;
  }

  /** The http-mode expose listeners of this node. */
  public ActorRef<HttpExposes.Command> httpExposes() {
    return httpExposes;
  }

  /** The job runners (keys {@code job:<name>}); ask one only when its node is Up. */
  public InstanceSupervisors<JobRunner.Command> jobRunners() {
    return jobRunners;
  }

  /** This node's data dir cleaner (ask {@link Housekeeping.SweepAndReport} to run a pass now). */
  public ActorRef<Housekeeping.Command> housekeeping() {
    return housekeeping;
  }

  /** This node's topic actor of repo updates (subscribe to follow versions). */
  public ActorRef<Topic.Command<RepoUpdate>> topic() {
    return topic;
  }
}
