package glow.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.cluster.Member;
import glow.actors.node.NodeSettings;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Knows which Glow nodes are Up in the cluster right now; one per actor system (an Akka
 * extension), fed by one {@link PlacementTracker} actor that follows member events.
 *
 * <p>Ask it before messaging an instance supervisor: a message for a node that is not Up is
 * buffered by sharding, never delivered, and makes the coordinator complain. Reads are lock-free
 * snapshots, safe from any thread; {@link #subscribe} tells an actor about every change.
 * Until the first member events arrive (a few ms after start) every node reads as absent, which
 * errs on the side of not sending.
 */
public final class Placement implements Extension {
  private final AtomicReference<Nodes> nodes = new AtomicReference<>(Nodes.NONE);
  private final ActorRef<PlacementTracker.Command> tracker;

  private Placement(ActorSystem<?> system) {
    tracker = system.systemActorOf(PlacementTracker.create(nodes), "glow-placement", Props.empty());
  }

  private static final ExtensionId<Placement> ID = new ExtensionId<>() {
    @Override
    public Placement createExtension(ActorSystem<?> system) {
      return new Placement(system);
    }
  };

  /** The placement of this actor system, started on first use. */
  public static Placement get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** True when a member with role {@code glow-node:<node>} is Up. */
  public boolean isUp(String node) {
    return nodes.get().isUp(node);
  }

  /** The current snapshot. */
  public Nodes nodes() {
    return nodes.get();
  }

  /** The subscriber gets the current {@link Nodes}, then every changed snapshot until it stops. */
  public void subscribe(ActorRef<Nodes> subscriber) {
    tracker.tell(new PlacementTracker.Subscribe(subscriber));
  }

  public void unsubscribe(ActorRef<Nodes> subscriber) {
    tracker.tell(new PlacementTracker.Unsubscribe(subscriber));
  }

  /** The Glow node name a member carries in its role, if it is a Glow node. */
  public static Optional<String> nodeName(Member member) {
    for (String role : member.getRoles()) {
      if (role.startsWith(NodeSettings.ROLE_PREFIX)) {
        return Optional.of(role.substring(NodeSettings.ROLE_PREFIX.length()));
      }
    }
    return Optional.empty();
  }

}
