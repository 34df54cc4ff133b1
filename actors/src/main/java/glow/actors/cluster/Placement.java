package glow.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.cluster.Member;
import com.typesafe.config.Config;
import glow.actors.node.NodeSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
  /** What ends an unreachable member's membership, for {@link #absence}. */
  private final String downedBy;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Placement(ActorSystem<?> system) {
    tracker = system.systemActorOf(PlacementTracker.create(nodes), "glow-placement", Props.empty());
    downedBy = downedBy(system.settings().config());
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

  /**
   * Why instances of {@code node} cannot run or be reached now, in the words the API shows after
   * {@code pending:}; empty when the node is Up and reachable.
   * <ul>
   *   <li>{@code node n2 not in cluster}: no Up member carries the name (never joined, left, or
   *       downed and removed)
   *   <li>{@code node n3 unreachable since 12:03:04 UTC (downed by the split brain resolver after
   *       20 s of stable membership unless it comes back)}: Up but cut off; its endpoints are
   *       hidden from proxies, its processes may still run over there
   * </ul>
   */
  public Optional<String> absence(String node) {
    Nodes now = nodes.get();
    if (!now.isUp(node)) return Optional.of("node " + node + " not in cluster");
    Instant since = now.unreachableSince().get(node);
    if (since == null) return Optional.empty();
    return Optional.of("node " + node + " unreachable since " + CLOCK.format(since) + " (" + downedBy + ")");
  }

  private static String downedBy(Config c) {
    String sbr = "akka.cluster.split-brain-resolver.stable-after";
    if (!c.getString("akka.cluster.downing-provider-class").endsWith("SplitBrainResolverProvider") || !c.hasPath(sbr)) {
      return "no split brain resolver: it stays until it comes back or an operator downs it";
    }
    Duration stable = c.getDuration(sbr);
    String text = stable.toMillis() % 1000 == 0 ? stable.toSeconds() + " s" : stable.toMillis() + " ms";
    return "downed by the split brain resolver after " + text + " of stable membership unless it comes back";
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
