package glow.actors.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import glow.actors.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rollout coordinator: grants the permits that let a serving instance go down to be replaced,
 * at most {@code rollout.max-unavailable} per app at once; one per cluster (a cluster singleton,
 * started by {@link #init} on every node).
 *
 * <p>Permits are leases. The holder renews every {@code rollout-renew} with a {@link Request}
 * whose {@code holding} is true; a lease not renewed for {@code lease} is dropped (its node died,
 * and its instance is down anyway). The state is only the leases and the halts, plain data rebuilt
 * from renewals: when the singleton moves (its node crashed), the new one grants nothing for one
 * lease period plus the proxies' identification interval (1 s) while the holders' renewals
 * (buffered by the singleton proxies meanwhile) tell it which permits are out. So a move never lets a second instance go down under max-unavailable 1.
 *
 * <p>Halts: a replacement that does not become healthy is reported by its holder with {@code
 * halt} set, and keeps its lease while it is down. From then on no permit is granted for that
 * app and target; the answer {@link Verdict#HALTED} carries the reason. Waiting instances repeat
 * the halt in their own requests, so a new coordinator re-learns it from any of them. A halt is
 * forgotten once nobody asked about its target for a few lease periods (every instance moved on
 * to a newer commit).
 */
public final class Rollouts extends AbstractBehavior<Rollouts.Command> {
  public sealed interface Command {}

  /**
   * Asks for the permit of one instance, or renews it ({@code holding}); answered with an {@link
   * Answer} every time.
   *
   * @param instance the instance key ("greeter#2"), unique in the cluster
   * @param node where it runs, for humans
   * @param target the {@link RolloutTarget#id()} the instance is rolling to
   * @param version the target's version, for humans
   * @param maxUnavailable the app's {@code rollout.max-unavailable} in the requester's snapshot
   * @param holding true when the requester holds the permit (a renewal)
   * @param halt why the rollout of this target stopped, when the requester knows (its own failed
   *     replacement, or a halt it was told about), else null
   */
  public record Request(String app, String instance, String node, String target, String version, int maxUnavailable,
      boolean holding, String halt, ActorRef<Answer> replyTo) implements Command, CborSerializable {}

  /** The instance is done (replacement healthy and settled, or deployment gone): drop its permit. */
  public record Release(String app, String instance) implements Command, CborSerializable {}

  /** Replies with every app that has a permit out or a halted target. */
  public record GetState(ActorRef<State> replyTo) implements Command, CborSerializable {}

  public enum Verdict { GRANTED, WAIT, HALTED }

  /** @param reason why not granted, for the instance's status detail; null when granted */
  public record Answer(String instance, String target, Verdict verdict, String reason) implements CborSerializable {}

  /**
   * One app's rollout as the coordinator sees it.
   *
   * @param replacing instances holding a permit: "greeter#2 on n2 (to 1.1.0)"
   * @param stopped target id to the reason its rollout stopped
   */
  public record AppRollout(String app, List<String> replacing, Map<String, String> stopped)
      implements CborSerializable {}

  /** @param learning true while a just-started coordinator grants nothing */
  public record State(boolean learning, List<AppRollout> apps) implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  private record Lease(String app, String instance, String node, String target, String version, long renewedAt) {}

  private record Halt(String reason, long heardAt) {}

  /** Singleton name; part of actor paths, never change it. */
  public static final String NAME = "rollouts";

  /** Halts not asked about for this many lease periods are forgotten. */
  private static final int HALT_MEMORY = 3;

  /**
   * Starts the singleton manager on this node (call once per node, every node) and returns the
   * proxy that reaches the coordinator wherever it runs.
   */
  public static ActorRef<Command> init(ActorSystem<?> system, Duration lease) {
    Behavior<Command> behavior = Behaviors.supervise(create(lease)).onFailure(SupervisorStrategy.restart());
    return ClusterSingleton.get(system).init(SingletonActor.of(behavior, NAME));
  }

  /** @param lease how long a permit lives without renewal; also the quiet time after start */
  public static Behavior<Command> create(Duration lease) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, lease.dividedBy(2));
      return new Rollouts(ctx, lease);
    }));
  }

  private final long leaseNanos;
  private final Duration quiet;
  private final long learningUntil;
  private final Map<String, Lease> leases = new HashMap<>(); // by instance key
  private final Map<String, Map<String, Halt>> halts = new HashMap<>(); // app -> target id -> halt

  private Rollouts(ActorContext<Command> ctx, Duration lease) {
    super(ctx);
    this.leaseNanos = lease.toNanos();
    // Renewals reach a new singleton only once each node's proxy found it (it looks every
    // identification interval, buffering meanwhile): quiet for a lease period after that.
    this.quiet = lease.plus(ctx.getSystem().settings().config()
        .getDuration("akka.cluster.singleton-proxy.singleton-identification-interval"));
    this.learningUntil = System.nanoTime() + quiet.toNanos();
    ctx.getLog().info("rollout coordinator started; it grants no permit for {} ms while it hears the renewals"
        + " of permits already out", quiet.toMillis());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Request.class, this::onRequest)
        .onMessage(Release.class, this::onRelease)
        .onMessage(GetState.class, g -> {
          g.replyTo().tell(state());
          return this;
        })
        .onMessage(Tick.class, t -> onTick())
        .build();
  }

  private Behavior<Command> onRequest(Request r) {
    long now = System.nanoTime();
    Map<String, Halt> appHalts = halts.computeIfAbsent(r.app(), a -> new HashMap<>());
    Halt halt = appHalts.get(r.target());
    if (r.halt() != null && halt == null) {
      getContext().getLog().warn("rollout of {} to {} stopped: {}", r.app(), r.version(), r.halt());
      halt = new Halt(r.halt(), now);
    }
    if (halt != null) appHalts.put(r.target(), new Halt(halt.reason(), now));
    if (appHalts.isEmpty()) halts.remove(r.app());

    Lease held = leases.get(r.instance());
    if (r.holding() || held != null) {
      // a renewal, or a repeated request of the holder whose answer was lost: it keeps its permit
      if (held == null) {
        getContext().getLog().info("permit of {} on {} for {} learned from its renewal", r.instance(), r.node(),
            r.app());
      }
      leases.put(r.instance(), new Lease(r.app(), r.instance(), r.node(), r.target(), r.version(), now));
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.GRANTED, null));
      return this;
    }
    if (halt != null) {
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.HALTED, halt.reason()));
      return this;
    }
    if (now - learningUntil < 0) {
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.WAIT, "the rollout coordinator has just started"
          + " and first hears which permits are out (" + quiet.toMillis() + " ms)"));
      return this;
    }
    List<Lease> out = live(r.app(), now);
    if (out.size() < Math.max(1, r.maxUnavailable())) {
      leases.put(r.instance(), new Lease(r.app(), r.instance(), r.node(), r.target(), r.version(), now));
      getContext().getLog().info("permit granted to {} on {} to roll to {} ({} of {} out)", r.instance(), r.node(),
          r.version(), out.size() + 1, r.maxUnavailable());
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.GRANTED, null));
    } else {
      List<String> names = out.stream().map(l -> l.instance() + " on " + l.node()).sorted().toList();
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.WAIT, String.join(" and ", names)
          + (names.size() == 1 ? " is" : " are") + " being replaced"));
    }
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    Lease l = leases.get(r.instance());
    if (l != null && l.app().equals(r.app())) {
      leases.remove(r.instance());
      getContext().getLog().info("permit of {} on {} released", r.instance(), l.node());
    }
    return this;
  }

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    leases.values().removeIf(l -> {
      boolean expired = now - l.renewedAt() > leaseNanos;
      if (expired) {
        getContext().getLog().warn("permit of {} on {} expired: not renewed for {} ms (its node is gone)",
            l.instance(), l.node(), Duration.ofNanos(leaseNanos).toMillis());
      }
      return expired;
    });
    halts.values().forEach(m -> m.values().removeIf(h -> now - h.heardAt() > HALT_MEMORY * leaseNanos));
    halts.values().removeIf(Map::isEmpty);
    return this;
  }

  private List<Lease> live(String app, long now) {
    List<Lease> out = new ArrayList<>();
    for (Lease l : leases.values()) {
      if (l.app().equals(app) && now - l.renewedAt() <= leaseNanos) out.add(l);
    }
    return out;
  }

  private State state() {
    long now = System.nanoTime();
    Map<String, List<String>> replacing = new TreeMap<>();
    for (Lease l : leases.values()) {
      replacing.computeIfAbsent(l.app(), a -> new ArrayList<>()).add(l.instance() + " on " + l.node() + " (to "
          + l.version() + ")");
    }
    List<AppRollout> apps = new ArrayList<>();
    for (String app : new TreeSet<>(concat(replacing.keySet(), halts.keySet()))) {
      Map<String, String> stopped = new LinkedHashMap<>();
      new TreeMap<>(halts.getOrDefault(app, Map.of())).forEach((t, h) -> stopped.put(t, h.reason()));
      List<String> r = new ArrayList<>(replacing.getOrDefault(app, List.of()));
      r.sort(null);
      apps.add(new AppRollout(app, List.copyOf(r), stopped));
    }
    return new State(now - learningUntil < 0, List.copyOf(apps));
  }

  private static List<String> concat(java.util.Set<String> a, java.util.Set<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
