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
 * only while fewer than {@code rollout.max-unavailable} instances of its app are unavailable; one
 * per cluster (a cluster singleton, started by {@link #init} on every node).
 *
 * <p>Unavailable means not serving, for whatever reason: an instance holding a permit (being
 * replaced), and every instance whose supervisor reports itself {@link Kind#DOWN} (first start,
 * starting, unhealthy, crashed and backing off, failed, stopping for a restart). Both are the same
 * kind of lease: renewed by the instance every {@code rollout-renew} ({@link Kind#RENEW} or {@link
 * Kind#DOWN}), dropped when not renewed for {@code lease} (its node died), given back with a
 * {@link Release} once the instance serves again (healthy, registered, settled). A down report is
 * never refused: an instance that is not serving costs no more availability by being replaced, so
 * it moves to a new version without a permit; it only counts against the others. The state is only
 * the leases and the halts, plain data rebuilt from renewals: when the singleton moves (its node
 * crashed), the new one grants nothing for one lease period plus the proxies' identification
 * interval (1 s) while the renewals (buffered by the singleton proxies meanwhile) tell it which
 * instances are down. So a move never lets a second instance go down under max-unavailable 1.
 *
 * <p>Not counted: an instance of a node that is gone (its lease expires; its supervisor cannot
 * report), and an instance that goes down between its last report and a grant to another (a crash
 * cannot ask first).
 *
 * <p>Halts: a replacement that does not become healthy is reported by its holder with {@code
 * halt} set, and keeps its lease while it is down. From then on no permit is granted for that
 * app and target; the answer {@link Verdict#HALTED} carries the reason. Waiting instances repeat
 * the halt in their asks, and instances kept on their old version for it in their down reports,
 * so a new coordinator re-learns it from any of them. A halt is
 * forgotten once nobody asked about its target for a few lease periods (every instance moved on
 * to a newer commit).
 */
public final class Rollouts extends AbstractBehavior<Rollouts.Command> {
  public sealed interface Command {}

  /** What a {@link Request} is. */
  public enum Kind {
    /** A serving instance asks for a permit to go down; answered. */
    ASK,
    /** The holder of a permit renews it (also how a new coordinator learns it); answered. */
    RENEW,
    /** An instance that is not serving reports (and renews) that it is down; never answered. */
    DOWN
  }

  /**
   * One instance's ask, renewal or down report.
   *
   * @param instance the instance key ("greeter#2"), unique in the cluster
   * @param node where it runs, for humans
   * @param target the {@link RolloutTarget#id()} of what the repo asks the instance to run
   * @param version the target's version, for humans
   * @param maxUnavailable the app's {@code rollout.max-unavailable} in the requester's snapshot
   * @param kind ask, renewal of a permit held, or down report
   * @param state DOWN: the instance's state ("backoff", "starting" ...), for the others' wait
   *     reason; else null
   * @param halt why the rollout of this target stopped, when the requester knows (its own failed
   *     replacement, or a halt it was told about), else null
   * @param replyTo where the {@link Answer} goes (unused for DOWN)
   */
  public record Request(String app, String instance, String node, String target, String version, int maxUnavailable,
      Kind kind, String state, String halt, ActorRef<Answer> replyTo) implements Command, CborSerializable {}

  /**
   * The instance serves again (healthy, registered and settled) or is gone (deployment removed):
   * drop its permit or down report.
   */
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

  /**
   * @param learning true while a just-started coordinator grants nothing
   * @param apps the apps rolling: a permit out, a halted target, or an instance told to wait
   * @param down per app (rolling or not), its instances reported not serving, counted against
   *     max-unavailable besides the permits: "greeter#3 on n1 (backoff)"
   */
  public record State(boolean learning, List<AppRollout> apps, Map<String, List<String>> down)
      implements CborSerializable {}

  private enum Tick implements Command { INSTANCE }

  /** @param permit true: held for a replacement (RENEW); false: reported down (DOWN, with state) */
  private record Lease(String app, String instance, String node, String target, String version, boolean permit,
      String state, long renewedAt) {
    String who() {
      return instance + " on " + node;
    }
  }

  /** An instance told to wait (or that the rollout stopped) when it last asked. */
  private record Asked(String app, long at) {}

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
  private final Map<String, Asked> asked = new HashMap<>(); // by instance key; an app with askers is rolling
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
        + " of the permits out and the down reports", quiet.toMillis());
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
    if (r.kind() == Kind.DOWN) {
      if (held == null || held.permit()) {
        getContext().getLog().info("{} on {} is not serving ({}): counted against the max-unavailable of {}",
            r.instance(), r.node(), r.state(), r.app());
      }
      asked.remove(r.instance());
      leases.put(r.instance(), new Lease(r.app(), r.instance(), r.node(), r.target(), r.version(), false, r.state(),
          now));
      return this;
    }
    if (r.kind() == Kind.RENEW || (held != null && held.permit())) {
      // a renewal, or a repeated ask of the holder whose answer was lost: it keeps its permit
      if (held == null || !held.permit()) {
        getContext().getLog().info("permit of {} on {} for {} learned from its renewal", r.instance(), r.node(),
            r.app());
      }
      asked.remove(r.instance());
      leases.put(r.instance(), new Lease(r.app(), r.instance(), r.node(), r.target(), r.version(), true, null, now));
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.GRANTED, null));
      return this;
    }
    // an ask says the instance serves: a down report of it still here is stale (its release was lost)
    if (held != null) leases.remove(r.instance());
    asked.put(r.instance(), new Asked(r.app(), now));
    if (halt != null) {
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.HALTED, halt.reason()));
      return this;
    }
    if (now - learningUntil < 0) {
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.WAIT, "the rollout coordinator has just started"
          + " and first hears which instances are down or being replaced (" + quiet.toMillis() + " ms)"));
      return this;
    }
    List<Lease> out = live(r.app(), now);
    if (out.size() < Math.max(1, r.maxUnavailable())) {
      asked.remove(r.instance());
      leases.put(r.instance(), new Lease(r.app(), r.instance(), r.node(), r.target(), r.version(), true, null, now));
      getContext().getLog().info("permit granted to {} on {} to roll to {} ({} of {} unavailable)", r.instance(),
          r.node(), r.version(), out.size() + 1, r.maxUnavailable());
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.GRANTED, null));
    } else {
      r.replyTo().tell(new Answer(r.instance(), r.target(), Verdict.WAIT, why(out)));
    }
    return this;
  }

  /** "greeter#1 on n1 is being replaced; greeter#3 on n2 (backoff) is not serving" */
  private static String why(List<Lease> out) {
    List<String> replacing = out.stream().filter(Lease::permit).map(Lease::who).sorted().toList();
    List<String> down = out.stream().filter(l -> !l.permit()).map(l -> l.who() + " (" + l.state() + ")").sorted()
        .toList();
    List<String> parts = new ArrayList<>();
    if (!replacing.isEmpty()) {
      parts.add(String.join(" and ", replacing) + (replacing.size() == 1 ? " is" : " are") + " being replaced");
    }
    if (!down.isEmpty()) parts.add(String.join(" and ", down) + (down.size() == 1 ? " is" : " are") + " not serving");
    return String.join("; ", parts);
  }

  private Behavior<Command> onRelease(Release r) {
    Lease l = leases.get(r.instance());
    if (l != null && l.app().equals(r.app())) {
      leases.remove(r.instance());
      if (l.permit()) {
        getContext().getLog().info("permit of {} on {} released", r.instance(), l.node());
      } else {
        getContext().getLog().info("{} on {} serves again", r.instance(), l.node());
      }
    }
    return this;
  }

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    leases.values().removeIf(l -> {
      boolean expired = now - l.renewedAt() > leaseNanos;
      if (expired) {
        getContext().getLog().warn("{} of {} on {} expired: not renewed for {} ms (its node is gone)",
            l.permit() ? "permit" : "down report", l.instance(), l.node(), Duration.ofNanos(leaseNanos).toMillis());
      }
      return expired;
    });
    asked.values().removeIf(a -> now - a.at() > leaseNanos);
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

  /**
   * Apps with a permit out, a halted target or an instance told to wait, with the instances being
   * replaced and the halts; and every app's instances reported down.
   */
  private State state() {
    long now = System.nanoTime();
    Map<String, List<String>> replacing = new TreeMap<>();
    Map<String, List<String>> down = new TreeMap<>();
    for (Lease l : leases.values()) {
      if (l.permit()) {
        replacing.computeIfAbsent(l.app(), a -> new ArrayList<>()).add(l.who() + " (to " + l.version() + ")");
      } else {
        down.computeIfAbsent(l.app(), a -> new ArrayList<>()).add(l.who() + " (" + l.state() + ")");
      }
    }
    TreeSet<String> rolling = new TreeSet<>(concat(replacing.keySet(), halts.keySet()));
    asked.values().forEach(a -> rolling.add(a.app()));
    List<AppRollout> apps = new ArrayList<>();
    for (String app : rolling) {
      Map<String, String> stopped = new LinkedHashMap<>();
      new TreeMap<>(halts.getOrDefault(app, Map.of())).forEach((t, h) -> stopped.put(t, h.reason()));
      apps.add(new AppRollout(app, sorted(replacing.get(app)), stopped));
    }
    Map<String, List<String>> downSorted = new LinkedHashMap<>();
    down.forEach((app, names) -> downSorted.put(app, sorted(names)));
    return new State(now - learningUntil < 0, List.copyOf(apps), downSorted);
  }

  private static List<String> sorted(List<String> names) {
    if (names == null) return List.of();
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return List.copyOf(copy);
  }

  private static List<String> concat(java.util.Set<String> a, java.util.Set<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
