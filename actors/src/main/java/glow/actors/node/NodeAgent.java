package glow.actors.node;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.pubsub.Topic;
import glow.actors.CborSerializable;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.Nodes;
import glow.actors.cluster.Placement;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.repo.RepoSync;
import glow.actors.repo.RepoUpdate;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Makes the repo true on its node: keeps the node's current {@link Snapshot} and reconciles the
 * node's instance supervisors and proxy listeners with it; one per node.
 *
 * <p>Reconciling sends {@link InstanceSupervisor.Ensure} to every instance the snapshot places on
 * this node and {@link InstanceSupervisor.Stop} to every instance it ensured before that is gone or
 * moved. Ensure is idempotent, so the agent repeats the whole pass every sync interval and
 * whenever the set of Up nodes changes: a supervisor that was lost (its node restarted, a crash)
 * comes back without any remembered state. Only instances of this node are messaged; a node never
 * messages another node's instances (that node's agent does), and never an absent node (sharding
 * would buffer the message and its coordinator would log an error every second).
 *
 * <p>The snapshot arrives as a {@link RepoUpdate} on the repo topic; until the first one, the
 * agent asks the sync singleton with {@link RepoSync.GetCurrent} every second (a node that starts
 * or joins late subscribes after the last publish).
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {
  public sealed interface Command {}

  /**
   * Replies with every instance of the snapshot: asked from the supervisors on Up, reachable nodes,
   * and {@code pending} for those whose node is not in the cluster or unreachable (the detail says
   * which, see {@link Placement#absence}; not asked, as the ask could only time out).
   */
  public record GetInstances(ActorRef<Instances> replyTo) implements Command, CborSerializable {}

  /** The instances of one repo version, sorted by key. */
  public record Instances(String version, List<InstanceStatus> instances) implements CborSerializable {}

  private record Updated(RepoUpdate update) implements Command {}

  private record NodesChanged(Nodes nodes) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum AskCurrent implements Command { INSTANCE }

  /**
   * What the agent works with.
   *
   * @param node this node's Glow name
   * @param current where the node's snapshot is published (supervisors read it on every Ensure)
   * @param onSnapshot called on the agent's thread with every new snapshot, after {@code current}
   *     is set (tells the Listeners actor to apply it); keep it to sending messages
   * @param interval how often the whole reconcile pass repeats (the sync interval)
   * @param statusTimeout how long a {@link GetInstances} waits for each supervisor
   */
  public record Wiring(String node, AtomicReference<Snapshot> current,
      InstanceSupervisors<InstanceSupervisor.Command> supervisors, ActorRef<Topic.Command<RepoUpdate>> topic,
      ActorRef<RepoSync.Command> sync, Consumer<Snapshot> onSnapshot, Placement placement, Duration interval,
      Duration statusTimeout) {}

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeAgent(ctx, timers, wiring)));
  }

  private static final Duration ASK_CURRENT_EVERY = Duration.ofSeconds(1);

  private final Wiring w;
  private final TimerScheduler<Command> timers;
  private final ActorRef<RepoUpdate> updates;
  /** Instances of this node that were sent Ensure and not yet Stop. */
  private final Set<String> ensured = new LinkedHashSet<>();
  /** When each instance started waiting for its absent node (its node's unreachable time, if known). */
  private final Map<String, Instant> pendingSince = new HashMap<>();
  private RepoUpdate last;

  private NodeAgent(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
    super(ctx);
    ctx.setLoggerName(NodeAgent.class);
    this.w = wiring;
    this.timers = timers;
    this.updates = ctx.messageAdapter(RepoUpdate.class, Updated::new);
    w.topic().tell(Topic.subscribe(updates));
    w.placement().subscribe(ctx.messageAdapter(Nodes.class, NodesChanged::new));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, w.interval());
    timers.startTimerWithFixedDelay(AskCurrent.INSTANCE, AskCurrent.INSTANCE, Duration.ZERO, ASK_CURRENT_EVERY);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Updated.class, this::onUpdated)
        .onMessage(NodesChanged.class, this::onNodesChanged)
        .onMessageEquals(Tick.INSTANCE, () -> {
          reconcile();
          return this;
        })
        .onMessageEquals(AskCurrent.INSTANCE, () -> {
          w.sync().tell(new RepoSync.GetCurrent(updates));
          return this;
        })
        .onMessage(GetInstances.class, this::onGetInstances)
        .build();
  }

  private Behavior<Command> onUpdated(Updated u) {
    timers.cancel(AskCurrent.INSTANCE);
    if (u.update().sameAs(last)) return this;
    Snapshot snapshot = u.update().toSnapshot();
    last = u.update();
    w.current().set(snapshot);
    getContext().getLog().info("node {}: repo version {} in force, {} instances here, {} problems",
        w.node(), snapshot.version(), snapshot.instancesOn(w.node()).size(), snapshot.problems().size());
    w.onSnapshot().accept(snapshot);
    reconcile();
    return this;
  }

  private Behavior<Command> onNodesChanged(NodesChanged n) {
    reconcile(); // a node came or went: this node's own membership may just have become Up
    return this;
  }

  private void reconcile() {
    Snapshot snapshot = w.current().get();
    if (snapshot == null) return;
    // Once the node is shutting down, sharding hands the supervisors off (each stops its process).
    // An Ensure now would start a supervisor again, or sit buffered in the region and hold up its
    // shutdown until the phase times out (seen: 30 s).
    if (CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent()) return;
    Set<String> wanted = new LinkedHashSet<>();
    for (InstanceSpec i : snapshot.instancesOn(w.node())) wanted.add(i.key());
    for (String key : wanted) {
      if (w.supervisors().tellIfUp(w.node(), key, new InstanceSupervisor.Ensure())) ensured.add(key);
    }
    for (String key : new ArrayList<>(ensured)) {
      if (wanted.contains(key)) continue;
      if (w.supervisors().tellIfUp(w.node(), key, new InstanceSupervisor.Stop())) {
        ensured.remove(key);
        getContext().getLog().info("node {}: stopping {} (no longer deployed here)", w.node(), key);
      }
    }
    notePending(snapshot);
  }

  /** Logs each instance once when it starts waiting for an absent or unreachable node. */
  private void notePending(Snapshot snapshot) {
    Set<String> pendingNow = new LinkedHashSet<>();
    Nodes nodes = w.placement().nodes();
    for (InstanceSpec i : snapshot.instances()) {
      Optional<String> absence = w.placement().absence(i.node());
      if (absence.isEmpty()) continue;
      pendingNow.add(i.key());
      Instant since = nodes.unreachableSince().getOrDefault(i.node(), Instant.now());
      if (pendingSince.putIfAbsent(i.key(), since) == null && !i.node().equals(w.node())) {
        getContext().getLog().info("{} pending: {}", i.key(), absence.get());
      }
    }
    pendingSince.keySet().retainAll(pendingNow);
  }

  private Behavior<Command> onGetInstances(GetInstances g) {
    Snapshot snapshot = w.current().get();
    if (snapshot == null) {
      g.replyTo().tell(new Instances("none", List.of()));
      return this;
    }
    List<CompletableFuture<InstanceStatus>> statuses = new ArrayList<>();
    Nodes nodes = w.placement().nodes();
    for (InstanceSpec i : snapshot.instances()) {
      Optional<String> absence = w.placement().absence(i.node());
      if (absence.isPresent()) {
        Instant since = pendingSince.getOrDefault(i.key(), nodes.unreachableSince().getOrDefault(i.node(), Instant.now()));
        statuses.add(CompletableFuture.completedFuture(synthesized(i, "pending", absence.get(), since)));
        continue;
      }
      CompletionStage<InstanceStatus> asked = w.supervisors().entityRef(i.node(), i.key())
          .ask(InstanceSupervisor.GetStatus::new, w.statusTimeout());
      statuses.add(asked.toCompletableFuture().exceptionally(e -> synthesized(i, "unknown",
          "no answer from its supervisor on node " + i.node() + " within " + w.statusTimeout().toMillis() + " ms",
          Instant.now())));
    }
    String version = snapshot.version();
    ActorRef<Instances> replyTo = g.replyTo();
    // replied from the futures' thread: touches no actor state
    CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new)).thenRun(() ->
        replyTo.tell(new Instances(version, statuses.stream().map(CompletableFuture::join).collect(Collectors.toList()))));
    return this;
  }

  /** A status the agent states itself, for an instance whose supervisor cannot be asked. */
  static InstanceStatus synthesized(InstanceSpec i, String state, String detail, Instant since) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    i.ports().forEach((name, p) -> ports.put(name, p.port()));
    return new InstanceStatus(i.key(), i.id(), i.app(), i.spec().image(), i.spec().version(), i.node(), state, detail,
        null, ports, false, 0, null, null, null, null, since);
  }
}
