package glow.app;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.pubsub.Topic;
import glow.actors.instance.InstanceStatus;
import glow.actors.listener.ListenerStatus;
import glow.actors.listener.Listeners;
import glow.actors.repo.RepoUpdate;
import glow.conf.Problem;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tells the person running {@code glow dev} what runs and where, one line per change: repo
 * versions and their problems, every instance's state, every loopback listener; one per dev run.
 */
final class DevPrinter extends AbstractBehavior<DevPrinter.Command> {
  sealed interface Command {}

  private record Status(InstanceStatus status) implements Command {}

  private record Update(RepoUpdate update) implements Command {}

  private record Listing(Listeners.Listing listing) implements Command {}

  private enum Poll implements Command { INSTANCE }

  // how often the listeners are asked for their state (they have no change events)
  private static final Duration LISTENER_POLL = Duration.ofSeconds(1);

  static Behavior<Command> create(PrintWriter out, String host, ActorRef<Topic.Command<RepoUpdate>> topic,
      ActorRef<Listeners.Command> listeners) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, LISTENER_POLL);
      return new DevPrinter(ctx, out, host, topic, listeners);
    }));
  }

  private final PrintWriter out;
  private final String host;
  private final ActorRef<Listeners.Command> listeners;
  private final ActorRef<Listeners.Listing> listingAdapter;
  private final Map<String, String> instanceLines = new HashMap<>();
  private final Map<Integer, String> listenerLines = new HashMap<>();
  private RepoUpdate last;

  private DevPrinter(ActorContext<Command> ctx, PrintWriter out, String host, ActorRef<Topic.Command<RepoUpdate>> topic,
      ActorRef<Listeners.Command> listeners) {
    super(ctx);
    this.out = out;
    this.host = host;
    this.listeners = listeners;
    this.listingAdapter = ctx.messageAdapter(Listeners.Listing.class, Listing::new);
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class,
        ctx.messageAdapter(InstanceStatus.class, Status::new)));
    topic.tell(Topic.subscribe(ctx.messageAdapter(RepoUpdate.class, Update::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Status.class, s -> onStatus(s.status()))
        .onMessage(Update.class, u -> onUpdate(u.update()))
        .onMessage(Listing.class, l -> onListing(l.listing()))
        .onMessageEquals(Poll.INSTANCE, () -> {
          listeners.tell(new Listeners.GetListeners(listingAdapter));
          return this;
        })
        .build();
  }

  private Behavior<Command> onUpdate(RepoUpdate u) {
    if (u.sameAs(last)) return this;
    last = u;
    long apps = u.files().keySet().stream().filter(p -> p.startsWith("apps/")).count();
    long deployments = u.files().keySet().stream().filter(p -> p.startsWith("deployments/")).count();
    print("repo version " + u.version() + ": " + apps + " apps, " + deployments + " deployments, "
        + (u.problems().isEmpty() ? "no problem" : u.problems().size() + " problem" + (u.problems().size() == 1 ? "" : "s")
        + " (bad files keep their last good version)"));
    for (Problem p : u.problems()) print("  problem: " + p);
    return this;
  }

  private Behavior<Command> onStatus(InstanceStatus s) {
    String line = instanceLine(s);
    if (!line.equals(instanceLines.put(s.key(), line))) print(line);
    return this;
  }

  /** {@code greeter#1  running  pid 1234  http=127.0.0.1:9001}, or the detail when not running. */
  String instanceLine(InstanceStatus s) {
    StringBuilder b = new StringBuilder(String.format("%-14s %-9s", s.key(), s.state()));
    if (s.version() != null) b.append(' ').append(s.image()).append(' ').append(s.version());
    if (s.pid() != null) b.append("  pid ").append(s.pid());
    if ("running".equals(s.state())) {
      s.ports().forEach((name, port) -> b.append("  ").append(name).append('=').append(host).append(':').append(port));
      if (s.configVersion() != null) b.append("  config ").append(s.configVersion()); // a new one on every config change
      // a running instance that waits for a rollout permit, or whose rollout stopped, says so
      if (s.detail() != null && (s.detail().startsWith("waiting to roll") || s.detail().startsWith("rollout of"))) {
        b.append("  ").append(s.detail());
      }
    } else if (s.detail() != null && !s.detail().isBlank()) {
      b.append("  ").append(s.detail());
    }
    return b.toString();
  }

  private Behavior<Command> onListing(Listeners.Listing listing) {
    Map<Integer, String> now = new HashMap<>();
    for (ListenerStatus l : listing.listeners()) now.put(l.port(), listenerLine(l));
    now.forEach((port, line) -> {
      if (!line.equals(listenerLines.get(port))) print(line);
    });
    for (Integer gone : List.copyOf(listenerLines.keySet())) {
      if (!now.containsKey(gone)) print("listener " + host + ":" + gone + " closed");
    }
    listenerLines.clear();
    listenerLines.putAll(now);
    return this;
  }

  /** {@code listener 127.0.0.1:7001 -> greeter:9001 (round-robin) 2 endpoints, for web#1}. */
  static String listenerLine(ListenerStatus l) {
    String endpoints = l.endpoints().stream().filter(e -> e.state().equals("available"))
        .map(ListenerStatus.EndpointStatus::endpoint).sorted().collect(Collectors.joining(" "));
    String state = l.boundAddress() == null
        ? "not bound: " + (l.error() == null ? "starting" : l.error())
        : endpoints.isEmpty() ? "no healthy endpoint yet" : endpoints;
    return "listener " + l.name() + " -> " + l.service() + (l.fallback() == null ? "" : " (fallback " + l.fallback() + ")")
        + "  " + state + "  for " + String.join(", ", l.neededBy());
  }

  private void print(String line) {
    out.println(line);
    out.flush();
  }
}
