package glow.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.UniqueAddress;
import akka.cluster.typed.Cluster;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Folds cluster member and reachability events into the {@link Nodes} snapshot that
 * {@link Placement} publishes; one per actor system.
 *
 * <p>It keeps its own member map instead of reading {@code Cluster.state()}: that read view is
 * updated by another actor and may lag the events this one has already seen.
 */
final class PlacementTracker extends AbstractBehavior<PlacementTracker.Command> {
  sealed interface Command {}

  record Subscribe(ActorRef<Nodes> subscriber) implements Command {}

  record Unsubscribe(ActorRef<Nodes> subscriber) implements Command {}

  private record ClusterChanged(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private record SubscriberStopped(ActorRef<Nodes> subscriber) implements Command {}

  static Behavior<Command> create(AtomicReference<Nodes> published) {
    return Behaviors.setup(ctx -> new PlacementTracker(ctx, published));
  }

  private final AtomicReference<Nodes> published;
  private final Map<UniqueAddress, Member> members = new HashMap<>();
  /** Unreachable members, with when this tracker first heard of it. */
  private final Map<UniqueAddress, Instant> unreachable = new HashMap<>();
  private final Set<ActorRef<Nodes>> subscribers = new HashSet<>();
  private Set<String> warnedDuplicates = Set.of();

  private PlacementTracker(ActorContext<Command> ctx, AtomicReference<Nodes> published) {
    super(ctx);
    this.published = published;
    // Typed subscriptions replay the current state as events first (InitialStateAsEvents).
    ActorRef<ClusterEvent.ClusterDomainEvent> adapter =
        ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, ClusterChanged::new);
    Cluster.get(ctx.getSystem()).subscriptions().tell(
        akka.cluster.typed.Subscribe.create(adapter, ClusterEvent.ClusterDomainEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClusterChanged.class, this::onClusterChanged)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, u -> {
          subscribers.remove(u.subscriber());
          getContext().unwatch(u.subscriber());
          return this;
        })
        .onMessage(SubscriberStopped.class, s -> {
          subscribers.remove(s.subscriber());
          return this;
        })
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (subscribers.add(s.subscriber())) {
      getContext().watchWith(s.subscriber(), new SubscriberStopped(s.subscriber()));
    }
    s.subscriber().tell(published.get());
    return this;
  }

  private Behavior<Command> onClusterChanged(ClusterChanged c) {
    if (c.event() instanceof ClusterEvent.MemberRemoved removed) {
      members.remove(removed.member().uniqueAddress());
      unreachable.remove(removed.member().uniqueAddress());
    } else if (c.event() instanceof ClusterEvent.MemberEvent e) {
      members.put(e.member().uniqueAddress(), e.member());
    } else if (c.event() instanceof ClusterEvent.UnreachableMember u) {
      unreachable.putIfAbsent(u.member().uniqueAddress(), Instant.now());
    } else if (c.event() instanceof ClusterEvent.ReachableMember r) {
      unreachable.remove(r.member().uniqueAddress());
    } else {
      return this; // leader, role-leader and other events do not change placement
    }
    publish();
    return this;
  }

  private void publish() {
    Set<String> up = new HashSet<>();
    Map<String, Instant> unreachableNames = new HashMap<>();
    Set<String> duplicates = new HashSet<>();
    for (Member m : members.values()) {
      if (m.status() != MemberStatus.up()) continue;
      Placement.nodeName(m).ifPresent(name -> {
        if (!up.add(name)) duplicates.add(name);
        Instant since = unreachable.get(m.uniqueAddress());
        if (since != null) unreachableNames.merge(name, since, (a, b) -> a.isBefore(b) ? a : b);
      });
    }
    if (!duplicates.isEmpty() && !duplicates.equals(warnedDuplicates)) {
      getContext().getLog().warn("more than one cluster member is named {}: give every node its own "
          + "glow.node.name; instances of that name run on the oldest of them", duplicates);
    }
    warnedDuplicates = duplicates;
    Nodes next = new Nodes(up, unreachableNames);
    if (!next.equals(published.getAndSet(next))) {
      subscribers.forEach(s -> s.tell(next));
    }
  }
}
