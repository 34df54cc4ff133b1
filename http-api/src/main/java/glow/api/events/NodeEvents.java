package glow.api.events;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.pubsub.Topic;
import glow.actors.CborSerializable;
import glow.actors.instance.InstanceStatus;
import glow.actors.repo.RepoUpdate;
import glow.api.ClusterPeers;
import glow.api.metrics.InstanceMetrics;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns what happens in the cluster into what this node's API shows: publishes every instance
 * status change, this node's and those the other nodes' NodeEvents relay to it, as an
 * {@link InstanceEvent} on the local event stream; relays this node's own changes to the others
 * (addressed by path, see {@link ClusterPeers}); feeds the instance metrics and remembers the repo
 * version; one per API.
 */
public final class NodeEvents extends AbstractBehavior<NodeEvents.Command> {
  public sealed interface Command {}

  private record Local(InstanceStatus status) implements Command {}

  private record Repo(RepoUpdate update) implements Command {}

  /** A status change on another node, sent by that node's NodeEvents. */
  public record Relayed(InstanceStatus status) implements Command, CborSerializable {}

  /**
   * @param repoTopic this node's repo update topic
   * @param repo where the current repo version is published for the routes
   */
  public static Behavior<Command> create(ActorRef<Topic.Command<RepoUpdate>> repoTopic, AtomicReference<RepoVersion> repo,
      InstanceMetrics metrics) {
    return Behaviors.setup(ctx -> new NodeEvents(ctx, repoTopic, repo, metrics));
  }

  private final AtomicReference<RepoVersion> repo;
  private final InstanceMetrics metrics;

  private NodeEvents(ActorContext<Command> ctx, ActorRef<Topic.Command<RepoUpdate>> repoTopic,
      AtomicReference<RepoVersion> repo, InstanceMetrics metrics) {
    super(ctx);
    this.repo = repo;
    this.metrics = metrics;
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class,
        ctx.messageAdapter(InstanceStatus.class, Local::new)));
    repoTopic.tell(Topic.subscribe(ctx.messageAdapter(RepoUpdate.class, Repo::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Local.class, this::onLocal)
        .onMessage(Relayed.class, r -> publish(r.status()))
        .onMessage(Repo.class, this::onRepo)
        .build();
  }

  private Behavior<Command> onLocal(Local l) {
    metrics.update(l.status());
    Relayed relayed = new Relayed(l.status());
    for (ActorRef<Command> peer : ClusterPeers.of(getContext().getSystem(), getContext().getSelf())) peer.tell(relayed);
    return publish(l.status());
  }

  private Behavior<Command> publish(InstanceStatus s) {
    getContext().getSystem().eventStream().tell(new EventStream.Publish<>(new InstanceEvent(s)));
    return this;
  }

  private Behavior<Command> onRepo(Repo r) {
    Instant now = Instant.now();
    RepoVersion before = repo.get();
    RepoUpdate u = r.update();
    boolean changed = before == null || !before.version().equals(u.version()) || !before.problems().equals(u.problems());
    RepoVersion next = new RepoVersion(u.version(), changed ? now : before.receivedAt(), now, u.problems());
    repo.set(next);
    if (changed) getContext().getSystem().eventStream().tell(new EventStream.Publish<>(next));
    return this;
  }
}
