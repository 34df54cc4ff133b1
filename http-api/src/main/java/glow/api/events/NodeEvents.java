package glow.api.events;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.pubsub.Topic;
import glow.actors.instance.InstanceStatus;
import glow.actors.repo.RepoUpdate;
import glow.api.metrics.InstanceMetrics;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns what happens on this node into what the API shows: relays this node's instance status
 * changes to the cluster-wide {@link #STATUS_TOPIC} (the EventStream is local), feeds the
 * instance metrics, and remembers the repo version; one per node.
 */
public final class NodeEvents extends AbstractBehavior<NodeEvents.Command> {
  public sealed interface Command {}

  private record Local(InstanceStatus status) implements Command {}

  private record Repo(RepoUpdate update) implements Command {}

  /** Topic name of instance status changes, cluster-wide; one topic actor per node. */
  public static final String STATUS_TOPIC = "glow-instance-status";

  /**
   * @param statusTopic this node's topic actor for {@link #STATUS_TOPIC}
   * @param repoTopic this node's repo update topic
   * @param repo where the current repo version is published for the routes
   */
  public static Behavior<Command> create(ActorRef<Topic.Command<InstanceStatus>> statusTopic,
      ActorRef<Topic.Command<RepoUpdate>> repoTopic, AtomicReference<RepoVersion> repo, InstanceMetrics metrics) {
    return Behaviors.setup(ctx -> new NodeEvents(ctx, statusTopic, repoTopic, repo, metrics));
  }

  private final ActorRef<Topic.Command<InstanceStatus>> statusTopic;
  private final AtomicReference<RepoVersion> repo;
  private final InstanceMetrics metrics;

  private NodeEvents(ActorContext<Command> ctx, ActorRef<Topic.Command<InstanceStatus>> statusTopic,
      ActorRef<Topic.Command<RepoUpdate>> repoTopic, AtomicReference<RepoVersion> repo, InstanceMetrics metrics) {
    super(ctx);
    this.statusTopic = statusTopic;
    this.repo = repo;
    this.metrics = metrics;
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class,
        ctx.messageAdapter(InstanceStatus.class, Local::new)));
    repoTopic.tell(Topic.subscribe(ctx.messageAdapter(RepoUpdate.class, Repo::new)));
    // a topic with no subscriber sends every publish to dead letters (logged); this node is always one
    // (a child that ignores them: a second message adapter for InstanceStatus would replace the first)
    statusTopic.tell(Topic.subscribe(ctx.<InstanceStatus>spawn(Behaviors.ignore(), "status-topic-anchor")));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Local.class, this::onLocal)
        .onMessage(Repo.class, this::onRepo)
        .build();
  }

  private Behavior<Command> onLocal(Local l) {
    metrics.update(l.status());
    statusTopic.tell(Topic.publish(l.status()));
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
