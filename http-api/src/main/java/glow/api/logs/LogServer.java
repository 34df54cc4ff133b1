package glow.api.logs;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import glow.actors.CborSerializable;
import glow.actors.logs.LogLine;
import glow.actors.logs.NodeLogHub;
import akka.actor.typed.DispatcherSelector;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers log queries about the instances of its node: past lines on {@link Query} (the node's
 * {@link NodeLogHub} memory, then its log files), and a live feed on {@link Follow} until the
 * follower stops; one per node, at the same path on every node so that any node's API can fan out
 * to all ({@code glow.api.ClusterPeers}).
 */
public final class LogServer extends AbstractBehavior<LogServer.Command> {
  public sealed interface Command {}

  /** Lines at or after since that match filter, at most max (the latest ones). */
  public record Query(LogFilter filter, Instant since, int max, ActorRef<Lines> replyTo) implements Command, CborSerializable {}

  /** The answer of one node, oldest first. */
  public record Lines(String node, List<LogEntry> lines) implements CborSerializable {}

  /** Sends every new matching line to replyTo until replyTo stops. */
  public record Follow(LogFilter filter, ActorRef<LogEntry> replyTo) implements Command, CborSerializable {}

  private record FollowerGone(ActorRef<LogEntry> follower) implements Command {}

  /** @param logsDir where this node's instance log files are ({@code <data-dir>/logs}) */
  public static Behavior<Command> create(String node, NodeLogHub hub, Path logsDir) {
    return Behaviors.setup(ctx -> new LogServer(ctx, node, hub, new LogFiles(logsDir, node)));
  }

  private final String node;
  private final NodeLogHub hub;
  private final LogFiles files;
  private final Executor blocking;
  private final Map<ActorRef<LogEntry>, NodeLogHub.Subscription> followers = new HashMap<>();

  private LogServer(ActorContext<Command> ctx, String node, NodeLogHub hub, LogFiles files) {
    super(ctx);
    this.node = node;
    this.hub = hub;
    this.files = files;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Query.class, this::onQuery)
        .onMessage(Follow.class, this::onFollow)
        .onMessage(FollowerGone.class, this::onGone)
        .onSignal(PostStop.class, s -> {
          followers.values().forEach(NodeLogHub.Subscription::close);
          return this;
        })
        .build();
  }

  /**
   * The recent lines come from the hub's memory; when they are fewer than asked, the older ones
   * come from the files, strictly before the oldest line in memory so that none is sent twice.
   * Answered from the blocking dispatcher (file reads); touches no actor state.
   */
  private Behavior<Command> onQuery(Query q) {
    List<LogLine> recent = hub.since(q.since(), q.filter()::test, q.max());
    if (recent.size() >= q.max()) {
      q.replyTo().tell(new Lines(node, recent.stream().map(LogEntry::of).toList()));
      return this;
    }
    Instant before = recent.isEmpty() ? Instant.MAX : recent.get(0).timestamp();
    CompletableFuture.runAsync(() -> {
      List<LogLine> all = new ArrayList<>(files.read(q.filter(), q.since(), before, q.max() - recent.size()));
      all.addAll(recent);
      q.replyTo().tell(new Lines(node, all.stream().map(LogEntry::of).toList()));
    }, blocking);
    return this;
  }

  private Behavior<Command> onFollow(Follow f) {
    if (followers.containsKey(f.replyTo())) return this;
    ActorRef<LogEntry> to = f.replyTo();
    // the hub drops lines for a follower that cannot keep up; it never blocks the instance
    followers.put(to, hub.subscribe(f.filter()::test, l -> to.tell(LogEntry.of(l))));
    getContext().watchWith(to, new FollowerGone(to));
    return this;
  }

  private Behavior<Command> onGone(FollowerGone g) {
    NodeLogHub.Subscription s = followers.remove(g.follower());
    if (s != null) s.close();
    return this;
  }
}
