package glow.actors.repo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import glow.actors.CborSerializable;
import glow.actors.registry.ServiceRegistry;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.ServiceEntry;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The repo sync job: loads the config repository on a timer and on {@link SyncNow}, and hands
 * every version to every node; one per cluster (a cluster singleton, started by {@link #init} on
 * every node and running on the oldest).
 *
 * <p>Hand-off: an Akka pub-sub {@link Topic} of {@link RepoUpdate}, plus {@link GetCurrent}. Why:
 * the update is plain data (file texts and problem lines, CBOR on the wire) from which each node
 * rebuilds the same {@link Snapshot}, so no spec class has to be serializable and the validation
 * code is the only interpreter of the repo. A topic reaches every node without the singleton
 * tracking members; it is at-most-once and learns of a new node's subscriber through the
 * receptionist a moment after it starts, so the singleton republishes the current update after
 * every load (each sync interval), and a node that has nothing yet asks with {@link GetCurrent}
 * until it has an answer. Distributed Data was the alternative: it would replicate the same bytes
 * but keep them in every node's memory twice and gossip the whole text on each change.
 *
 * <p>Only this actor sends {@link ServiceRegistry.SetExternals}: two nodes replacing externals
 * from different snapshots would race.
 *
 * <p>Loading (JGit fetch, file reads, validation) runs on Akka's blocking dispatcher, one load at
 * a time; a {@link SyncNow} during a load causes exactly one more load after it. The last-good
 * rule lives in conf ({@link RepoLoader#load(RepoSource, Snapshot)}): a repo that cannot be read
 * keeps the previous snapshot with the error added.
 */
public final class RepoSync extends AbstractBehavior<RepoSync.Command> {
  public sealed interface Command {}

  /** Load the repo now (webhook, directory watcher, tests). */
  public record SyncNow() implements Command, CborSerializable {}

  /** Replies with the current update, once there is one (no reply before the first load). */
  public record GetCurrent(ActorRef<RepoUpdate> replyTo) implements Command, CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  private record Loaded(Snapshot snapshot, Throwable failure) implements Command {}

  /** Singleton name; part of actor paths, never change it. */
  public static final String NAME = "repo-sync";

  // A burst of editor events (temp file, rename, chmod) becomes one load after this quiet time.
  private static final Duration WATCH_SETTLE = Duration.ofMillis(150);

  /**
   * Starts the singleton manager on this node (call once per node, every node) and returns the
   * proxy that reaches the singleton wherever it runs.
   *
   * @param source the repo, or null when the node has none configured (an empty snapshot is published)
   * @param topic this node's topic actor for {@link RepoUpdate#TOPIC}
   * @param registry this node's registry replica, for externals
   * @param inForce the snapshot this node has in force (null when none), read when the singleton
   *     starts here: see {@link #create}
   */
  public static ActorRef<Command> init(ActorSystem<?> system, RepoSource source, Duration interval,
      ActorRef<Topic.Command<RepoUpdate>> topic, ActorRef<ServiceRegistry.Command> registry,
      Supplier<Snapshot> inForce) {
    Behavior<Command> behavior = Behaviors.supervise(create(source, interval, topic, registry, inForce))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, NAME));
  }

  /**
   * The singleton's behavior. It starts from {@code inForce}, the snapshot the hosting node already
   * has (rebuilt from the last update it received), as the previous snapshot of its first load:
   * when the singleton moves to another node or restarts, a file that is bad at that moment keeps
   * its last good version instead of being dropped (which would stop its instances).
   */
  public static Behavior<Command> create(RepoSource source, Duration interval,
      ActorRef<Topic.Command<RepoUpdate>> topic, ActorRef<ServiceRegistry.Command> registry,
      Supplier<Snapshot> inForce) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new RepoSync(ctx, timers, source, interval, topic, registry, inForce.get())));
  }

  private final RepoSource source;
  private final ActorRef<Topic.Command<RepoUpdate>> topic;
  private final ActorRef<ServiceRegistry.Command> registry;
  private final Executor blocking;
  private final DirectoryWatcher watcher;
  private Snapshot snapshot;
  private RepoUpdate current;
  private Map<String, Set<String>> externals;
  private boolean loading;
  private boolean again;

  private RepoSync(ActorContext<Command> ctx, TimerScheduler<Command> timers, RepoSource source, Duration interval,
      ActorRef<Topic.Command<RepoUpdate>> topic, ActorRef<ServiceRegistry.Command> registry, Snapshot inForce) {
    super(ctx);
    this.snapshot = inForce;
    this.current = inForce == null ? null : RepoUpdate.of(inForce);
    this.source = source;
    this.topic = topic;
    this.registry = registry;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.watcher = watch(ctx, source);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
    load();
  }

  /** A plain directory is watched so that a saved file is live in well under a second. */
  private static DirectoryWatcher watch(ActorContext<Command> ctx, RepoSource source) {
    if (!(source instanceof RepoSource.Directory dir)) return null;
    ActorRef<Command> self = ctx.getSelf();
    try {
      return DirectoryWatcher.start(dir.dir(), WATCH_SETTLE, () -> self.tell(new SyncNow()));
    } catch (IOException e) {
      ctx.getLog().warn("cannot watch {} for changes ({}); it is read every sync interval instead", dir.dir(), e.toString());
      return null;
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SyncNow.class, s -> onSync())
        .onMessageEquals(Tick.INSTANCE, this::onSync)
        .onMessage(GetCurrent.class, this::onGetCurrent)
        .onMessage(Loaded.class, this::onLoaded)
        .onSignal(PostStop.class, s -> {
          if (watcher != null) watcher.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onSync() {
    if (loading) {
      again = true;
    } else {
      load();
    }
    return this;
  }

  private void load() {
    loading = true;
    Snapshot previous = snapshot;
    CompletableFuture<Snapshot> future = source == null
        ? CompletableFuture.completedFuture(Snapshot.empty("none", List.of()))
        : CompletableFuture.supplyAsync(() -> RepoLoader.load(source, previous), blocking);
    getContext().pipeToSelf(future, Loaded::new);
  }

  private Behavior<Command> onGetCurrent(GetCurrent g) {
    if (current != null) g.replyTo().tell(current);
    return this;
  }

  private Behavior<Command> onLoaded(Loaded l) {
    loading = false;
    if (l.failure() != null) {
      // RepoLoader never throws for bad content or an unreachable repo: this is a bug; keep what we have
      getContext().getLog().error("repo sync: loading {} failed unexpectedly; keeping version {}",
          describe(), snapshot == null ? "none" : snapshot.version(), l.failure());
    } else {
      RepoUpdate update = RepoUpdate.of(l.snapshot());
      if (!update.sameAs(current)) getContext().getLog().info(summary(l.snapshot()));
      snapshot = l.snapshot();
      current = update;
      setExternals(l.snapshot());
    }
    // every load republishes: a node that subscribed since the last one gets it now
    if (current != null) topic.tell(Topic.publish(current));
    if (again) {
      again = false;
      load();
    }
    return this;
  }

  private void setExternals(Snapshot s) {
    Map<String, Set<String>> wanted = new TreeMap<>();
    for (ServiceEntry e : s.services().values()) {
      if (!e.external()) continue;
      Set<String> endpoints = new HashSet<>();
      e.endpoints().forEach(ep -> endpoints.add(ep.toString()));
      wanted.put(e.key().toString(), Set.copyOf(endpoints));
    }
    if (!wanted.equals(externals)) {
      registry.tell(new ServiceRegistry.SetExternals(wanted));
      externals = wanted;
    }
  }

  private String describe() {
    return source == null ? "(no repo configured)" : source.describe();
  }

  /** The one log line per new version: counts, then every problem. */
  private String summary(Snapshot s) {
    String counts = "repo " + describe() + " version " + s.version() + ": " + s.apps().size() + " apps, "
        + s.instances().size() + " instances, " + s.externals().size() + " externals, "
        + s.problems().size() + (s.problems().size() == 1 ? " problem" : " problems");
    if (s.problems().isEmpty()) return counts;
    return counts + ": " + s.problems().stream().map(Object::toString).collect(Collectors.joining(" | "));
  }
}
