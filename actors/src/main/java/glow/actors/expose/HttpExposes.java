package glow.actors.expose;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.http.javadsl.settings.ServerSettings;
import glow.actors.listener.ListenerStatus;
import glow.actors.listener.ListenersSettings;
import glow.actors.registry.ServiceRegistry;
import glow.actors.tls.SniKeyManager;
import glow.actors.upstream.UpstreamPool;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.proxy.Upstream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * Owns the http-mode expose listeners of one edge node and the upstream pools they use; one per
 * node. One Akka HTTP server per (listen address, TLS or not), shared by every http expose on it.
 *
 * <p>{@link Apply} reconciles: a listener no expose wants any more is unbound (its open requests
 * finish within the drain grace); a new one is bound (a failed bind is retried with back-off);
 * a listener that stays keeps its binding and gets its new routes and certificates in place, so
 * changing one expose never drops another's connections. TLS files are checked for changes every
 * {@code certCheck}; new handshakes use a changed certificate.
 */
public final class HttpExposes extends AbstractBehavior<HttpExposes.Command> {
  public sealed interface Command {}

  /** The desired state: the http exposes of {@code snapshot} that name this node. */
  public record Apply(Snapshot snapshot) implements Command {}

  /** Replies with each wanted listener's key and where it is bound (null while not bound). */
  public record GetBound(ActorRef<Bound> replyTo) implements Command {}

  /** Listener key ({@code http 127.0.0.1:8080}) to bound address {@code host:port}, or to "" while not bound. */
  public record Bound(Map<String, String> listeners) {}

  /** Replies with what the API shows of the http listeners: each one's binding and each target's endpoints. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * One wanted listener as the API shows it.
   *
   * @param boundAddress {@code host:port}, or null while not bound
   * @param error why the last bind failed (it is retried with back-off), or null
   */
  public record ListenerState(String boundAddress, String error) {}

  /**
   * @param listeners by listener key
   * @param endpoints by target service ({@code web:8080}): its endpoints as this node's http
   *     listeners see them (available, ejected)
   */
  public record Status(Map<String, ListenerState> listeners, Map<String, List<ListenerStatus.EndpointStatus>> endpoints) {}

  private record BindDone(String key, long gen, ServerBinding binding, Throwable failure) implements Command {}

  private record RetryBind(String key, long gen) implements Command {}

  private enum CheckCerts implements Command { INSTANCE }

  /** One wanted listener: its routes and keys change in place; gen tells its binds from a replaced one's. */
  private static final class Live {
    HttpListenerSpec spec;
    final AtomicReference<HttpRoutes> routes;
    final SniKeyManager keys;
    final long gen;
    ServerBinding binding;
    int failures;
    String lastError; // why the last bind failed; null once bound

    Live(HttpListenerSpec spec, SniKeyManager keys, long gen) {
      this.spec = spec;
      this.routes = new AtomicReference<>(spec.routes());
      this.keys = keys;
      this.gen = gen;
    }
  }

  private record Pool(Upstream upstream, ActorRef<UpstreamPool.Command> actor) {}

  /**
   * @param node      this node's Glow name
   * @param registry  the node's registry replica, followed by the upstream pools
   * @param settings  drain grace, bind retry and ejection as for the loopback listeners
   * @param certCheck how often TLS files are checked for changes
   */
  public static Behavior<Command> create(String node, ActorRef<ServiceRegistry.Command> registry,
                                         ListenersSettings settings, Duration certCheck) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new HttpExposes(ctx, t, node, registry, settings, certCheck)));
  }

  private final TimerScheduler<Command> timers;
  private final String node;
  private final ActorRef<ServiceRegistry.Command> registry;
  private final ListenersSettings settings;
  private final ConnectionPoolSettings clientPool;
  private final Map<String, Live> live = new HashMap<>();
  private final Map<ServiceKey, Pool> pools = new HashMap<>();
  /** Read by every request of every listener: the upstream of each service an http expose targets. */
  private final AtomicReference<Map<ServiceKey, Upstream>> upstreams = new AtomicReference<>(Map.of());
  private long seq;

  private HttpExposes(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node,
                      ActorRef<ServiceRegistry.Command> registry, ListenersSettings settings, Duration certCheck) {
    super(ctx);
    this.timers = timers;
    this.node = node;
    this.registry = registry;
    this.settings = settings;
    // Glow retries itself (on another endpoint); akka-http's own retries would hit the same one.
    // 64 connections per endpoint: akka-http's default of 4 would queue a busy site's requests.
    this.clientPool = ConnectionPoolSettings.create(ctx.getSystem().classicSystem())
        .withMaxRetries(0).withMaxConnections(64).withMaxOpenRequests(1024);
    timers.startTimerWithFixedDelay(CheckCerts.INSTANCE, certCheck);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(GetBound.class, this::onGetBound)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(BindDone.class, this::onBindDone)
        .onMessage(RetryBind.class, this::onRetryBind)
        .onMessage(CheckCerts.class, c -> {
          live.values().forEach(l -> {
            if (l.keys != null) l.keys.reloadIfChanged();
          });
          return this;
        })
        .onSignal(PostStop.class, s -> {
          live.values().forEach(l -> {
            if (l.binding != null) l.binding.unbind();
          });
          return this;
        })
        .build();
  }

  private Behavior<Command> onApply(Apply a) {
    SortedMap<String, HttpListenerSpec> desired = DesiredHttpListeners.of(a.snapshot(), node,
        w -> getContext().getLog().warn(w));
    // 1. unbind listeners nobody wants
    for (var it = live.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (desired.containsKey(e.getKey())) continue;
      getContext().getLog().info("expose listener {} is no longer wanted: unbinding it", e.getKey());
      if (e.getValue().binding != null) e.getValue().binding.terminate(settings.drainGrace());
      it.remove(); // a bind still in flight is unbound when it completes (its gen is unknown)
    }
    // 2. the upstream pools the routes use
    Set<ServiceKey> used = new HashSet<>();
    desired.values().forEach(d -> d.routes().routes().forEach(r -> used.add(r.target())));
    for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!used.contains(e.getKey())) {
        getContext().stop(e.getValue().actor());
        it.remove();
      }
    }
    for (ServiceKey k : used) {
      pools.computeIfAbsent(k, key -> {
        Upstream u = new Upstream(key.toString(), settings.ejection().withHealthCheck(null));
        ActorRef<UpstreamPool.Command> actor = getContext().spawn(UpstreamPool.create(key, u, registry),
            "upstream-" + URLEncoder.encode(key.toString(), StandardCharsets.UTF_8) + "-" + (++seq));
        return new Pool(u, actor);
      });
    }
    Map<ServiceKey, Upstream> published = new HashMap<>();
    pools.forEach((k, p) -> published.put(k, p.upstream()));
    upstreams.set(Map.copyOf(published));
    // 3. update the listeners that stay, bind the new ones
    desired.forEach((key, spec) -> {
      Live l = live.get(key);
      if (l != null) {
        l.spec = spec;
        l.routes.set(spec.routes());
        if (l.keys != null) l.keys.set(spec.certs(), spec.sniHosts());
        return;
      }
      SniKeyManager keys = spec.tls() ? new SniKeyManager(w -> getContext().getLog().warn("expose listener {}: {}", key, w)) : null;
      if (keys != null) keys.set(spec.certs(), spec.sniHosts());
      l = new Live(spec, keys, ++seq);
      live.put(key, l);
      bind(key, l);
    });
    return this;
  }

  private void bind(String key, Live l) {
    HttpListenerSpec spec = l.spec;
    EdgeHandler handler = new EdgeHandler(getContext().getSystem(), clientPool, spec.tls() ? "https" : "http",
        l.routes::get, upstreams::get, key);
    ServerSettings server = ServerSettings.create(getContext().getSystem().classicSystem())
        .withRemoteAddressAttribute(true);
    ServerBuilder b = Http.get(getContext().getSystem()).newServerAt(spec.host(), spec.port()).withSettings(server);
    try {
      if (l.keys != null) {
        if (!l.keys.reloadIfChanged()) throw new IllegalStateException("no usable certificate (see the warning above)");
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(new KeyManager[] {l.keys}, null, null);
        b = b.enableHttps(ConnectionContext.httpsServer(ssl));
      }
      CompletionStage<ServerBinding> bound = b.bind(handler::handle);
      long gen = l.gen;
      getContext().pipeToSelf(bound, (binding, failure) -> new BindDone(key, gen, binding, failure));
    } catch (Exception e) {
      getContext().getSelf().tell(new BindDone(key, l.gen, null, e));
    }
  }

  private Behavior<Command> onBindDone(BindDone d) {
    Live l = live.get(d.key());
    if (l == null || l.gen != d.gen()) { // removed while binding
      if (d.binding() != null) d.binding().unbind();
      return this;
    }
    if (d.failure() == null) {
      l.binding = d.binding();
      l.failures = 0;
      l.lastError = null;
      getContext().getLog().info("expose listener {} is bound at {} ({} route(s))", d.key(), d.binding().localAddress(),
          l.spec.routes().routes().size());
      return this;
    }
    l.failures++;
    Duration wait = settings.bindRetryAfter(l.failures);
    Throwable root = d.failure();
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    l.lastError = root.getMessage() + "; retrying in " + wait.toMillis() + " ms";
    getContext().getLog().warn("cannot bind expose listener {} for {}: {}; retrying in {} ms", d.key(),
        l.spec.routes().routes().stream().map(r -> "expose/" + r.expose()).toList(), root.getMessage(), wait.toMillis());
    timers.startSingleTimer(new RetryBind(d.key(), l.gen), wait);
    return this;
  }

  private Behavior<Command> onRetryBind(RetryBind r) {
    Live l = live.get(r.key());
    if (l != null && l.gen == r.gen() && l.binding == null) bind(r.key(), l);
    return this;
  }

  private Behavior<Command> onGetBound(GetBound g) {
    Map<String, String> out = new TreeMap<>();
    live.forEach((k, l) -> out.put(k, l.binding == null ? ""
        : l.binding.localAddress().getAddress().getHostAddress() + ":" + l.binding.localAddress().getPort()));
    g.replyTo().tell(new Bound(out));
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus g) {
    Map<String, ListenerState> listeners = new TreeMap<>();
    live.forEach((k, l) -> listeners.put(k, new ListenerState(l.binding == null ? null
        : l.binding.localAddress().getAddress().getHostAddress() + ":" + l.binding.localAddress().getPort(), l.lastError)));
    Map<String, List<ListenerStatus.EndpointStatus>> endpoints = new TreeMap<>();
    pools.forEach((service, p) -> endpoints.put(service.toString(), ListenerStatus.endpoints(p.upstream())));
    g.replyTo().tell(new Status(listeners, endpoints));
    return this;
  }
}
