package glow.actors.listener;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import glow.actors.CborSerializable;
import glow.actors.listener.DesiredListeners.Desired;
import glow.actors.registry.ServiceRegistry;
import glow.actors.upstream.UpstreamPool;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Owns the proxy listeners and upstream pools of one node: the loopback listeners of its instances'
 * requires and the public listeners of its tcp-mode exposes; one per node.
 *
 * <p>One mechanism: {@link Apply} sets the desired listeners (from the snapshot's instances and
 * exposes on this node, see {@link DesiredListeners}) and {@code reconcile} diffs them against the children:
 * a listener whose spec is gone or changed is drained; a wanted listener starts once its port is
 * free (a replaced listener first reports {@link ProxyListener.Released}); one {@link UpstreamPool}
 * runs per (service, upstream settings) that a wanted listener uses as primary or fallback, and
 * stops when none does. Listeners that stay as they are are not touched.
 */
public final class Listeners extends AbstractBehavior<Listeners.Command> {
  public sealed interface Command {}

  /** The desired state: listeners follow the requires of this node's instances and its tcp exposes in {@code snapshot}. */
  public record Apply(Snapshot snapshot) implements Command {}

  /** Replies with every wanted listener, by port. */
  public record GetListeners(ActorRef<Listing> replyTo) implements Command, CborSerializable {}

  public record Listing(List<ListenerStatus> listeners) implements CborSerializable {}

  private record ListenerReleased(ProxyListener.Released released) implements Command {}

  private record ListenerStopped(int port, ActorRef<ProxyListener.Command> listener) implements Command {}

  /** The Upstreams of one service with one settings: shared by every listener that uses them. */
  private record PoolKey(ServiceKey service, UpstreamSettings settings) {}

  private record Pool(Upstream upstream, ActorRef<UpstreamPool.Command> actor) {}

  private record Running(ListenerSpec spec, List<String> neededBy, ActorRef<ProxyListener.Command> actor) {}

  /**
   * @param node     this node's Glow name: the listeners follow the instances deployed to it
   * @param registry the node's service registry replica, which the upstream pools follow
   */
  public static Behavior<Command> create(String node, ActorRef<ServiceRegistry.Command> registry,
                                         ListenersSettings settings) {
    return Behaviors.setup(ctx -> new Listeners(ctx, node, registry, settings));
  }

  private final String node;
  private final ActorRef<ServiceRegistry.Command> registry;
  private final ListenersSettings settings;
  private final ActorRef<ProxyListener.Released> released;
  private SortedMap<Integer, Desired> desired = new TreeMap<>();
  private final Map<Integer, Running> running = new HashMap<>();
  /** Listeners draining whose port is not free yet, by port: a new listener there waits for it. */
  private final Map<Integer, ActorRef<ProxyListener.Command>> releasing = new HashMap<>();
  private final Map<PoolKey, Pool> pools = new HashMap<>();
  /** Wanted listeners that cannot start (e.g. an unknown balancer class), with the reason. */
  private final Map<Integer, String> refused = new HashMap<>();
  private long seq; // makes child names unique while a replaced child is still stopping

  private Listeners(ActorContext<Command> ctx, String node, ActorRef<ServiceRegistry.Command> registry,
                    ListenersSettings settings) {
    super(ctx);
    this.node = node;
    this.registry = registry;
    this.settings = settings;
    this.released = ctx.messageAdapter(ProxyListener.Released.class, ListenerReleased::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(GetListeners.class, this::onGetListeners)
        .onMessage(ListenerReleased.class, this::onReleased)
        .onMessage(ListenerStopped.class, this::onStopped)
        .build();
  }

  private Behavior<Command> onApply(Apply a) {
    desired = DesiredListeners.of(a.snapshot(), node, settings.ejection(), w -> getContext().getLog().warn(w));
    reconcile();
    return this;
  }

  private Behavior<Command> onReleased(ListenerReleased r) {
    int port = r.released().port();
    if (releasing.get(port) != null && releasing.get(port).equals(r.released().listener())) {
      releasing.remove(port);
      reconcile();
    }
    return this;
  }

  private Behavior<Command> onStopped(ListenerStopped s) {
    if (s.listener().equals(releasing.get(s.port()))) releasing.remove(s.port());
    Running r = running.get(s.port());
    if (r != null && r.actor().equals(s.listener())) {
      getContext().getLog().warn("listener {} stopped unexpectedly; starting it again", r.spec().name(settings.host()));
      running.remove(s.port());
    }
    reconcile();
    return this;
  }

  /** Makes the children match {@link #desired}; idempotent. */
  private void reconcile() {
    // 1. drain listeners that are no longer wanted as they are
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Desired d = desired.get(e.getKey());
      Running r = e.getValue();
      if (d != null && d.spec().equals(r.spec())) {
        if (!d.neededBy().equals(r.neededBy())) {
          r.actor().tell(new ProxyListener.NeededBy(d.neededBy()));
          e.setValue(new Running(r.spec(), d.neededBy(), r.actor()));
        }
        continue;
      }
      getContext().getLog().info("listener {} {}", r.spec().name(settings.host()),
          d == null ? "is no longer required: draining it" : "changes to " + d.spec() + ": replacing it");
      r.actor().tell(new ProxyListener.Drain(released));
      releasing.put(e.getKey(), r.actor());
      it.remove();
    }
    // 2. upstream pools: one per (service, settings) a wanted listener uses; the rest stop
    refused.clear();
    Set<PoolKey> used = new HashSet<>();
    desired.forEach((port, d) -> {
      PoolKey primary = new PoolKey(d.spec().service(), d.spec().upstream());
      used.add(primary);
      if (d.spec().fallback() != null) used.add(new PoolKey(d.spec().fallback(), d.spec().upstream()));
    });
    for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!used.contains(e.getKey())) {
        getContext().stop(e.getValue().actor()); // its PostStop unsubscribes and closes the Upstream
        it.remove();
      }
    }
    // 3. start wanted listeners whose port is free
    desired.forEach((port, d) -> {
      if (running.containsKey(port) || releasing.containsKey(port)) return;
      Upstream primary;
      Upstream fallback;
      try {
        primary = pool(new PoolKey(d.spec().service(), d.spec().upstream()));
        fallback = d.spec().fallback() == null ? null : pool(new PoolKey(d.spec().fallback(), d.spec().upstream()));
      } catch (IllegalArgumentException bad) {
        String why = "cannot start listener " + d.spec().name(settings.host()) + " for " + d.spec().service()
            + ", needed by " + String.join(", ", d.neededBy()) + ": " + bad.getMessage();
        getContext().getLog().error(why);
        refused.put(port, why);
        return;
      }
      ActorRef<ProxyListener.Command> actor = getContext().spawn(
          ProxyListener.create(d.spec(), d.neededBy(), primary, fallback, settings), "listener-" + port + "-" + (++seq));
      getContext().watchWith(actor, new ListenerStopped(port, actor));
      running.put(port, new Running(d.spec(), d.neededBy(), actor));
    });
  }

  /**
   * The Upstream of {@code key}, starting its pool if needed.
   *
   * @throws IllegalArgumentException if the settings name a balancer that cannot be made
   */
  private Upstream pool(PoolKey key) {
    Pool p = pools.get(key);
    if (p == null) {
      Upstream upstream = new Upstream(key.service().toString(), key.settings());
      ActorRef<UpstreamPool.Command> actor = getContext().spawn(UpstreamPool.create(key.service(), upstream, registry),
          "upstream-" + URLEncoder.encode(key.service().toString(), StandardCharsets.UTF_8) + "-" + (++seq));
      p = new Pool(upstream, actor);
      pools.put(key, p);
    }
    return p.upstream();
  }

  private Behavior<Command> onGetListeners(GetListeners g) {
    Map<Integer, ActorRef<ProxyListener.Command>> ask = new HashMap<>();
    Map<Integer, ListenerStatus> known = new HashMap<>();
    desired.forEach((port, d) -> {
      Running r = running.get(port);
      if (r != null) {
        ask.put(port, r.actor());
        known.put(port, ListenerStatus.notRunning(settings.host(), d, ListenerStatus.NO_ANSWER,
            "no answer from the listener within " + settings.statusTimeout()));
      } else if (refused.containsKey(port)) {
        known.put(port, ListenerStatus.notRunning(settings.host(), d, ListenerStatus.REFUSED, refused.get(port)));
      } else {
        known.put(port, ListenerStatus.notRunning(settings.host(), d, ListenerStatus.WAITING, null));
      }
    });
    getContext().spawnAnonymous(StatusQuery.create(ask, known, g.replyTo(), settings.statusTimeout()));
    return this;
  }
}
