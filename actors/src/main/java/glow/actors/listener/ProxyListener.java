package glow.actors.listener;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import glow.actors.tls.SniKeyManager;
import glow.conf.spec.Protocol;
import glow.proxy.Endpoint;
import glow.proxy.EndpointState;
import glow.proxy.ListenerSettings;
import glow.proxy.ProxyBinding;
import glow.proxy.ProxyProtocol;
import glow.proxy.TcpProxy;
import glow.proxy.Upstream;
import glow.proxy.udp.UdpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Owns the binding of one port (a streams-proxy TCP listener, or a UDP proxy for a UDP service)
 * that forwards to a primary upstream and an optional fallback; one per local port a node's
 * instances require and one per tcp-mode expose on this node, a child of {@link Listeners}.
 *
 * <p>A failed bind (the port is taken by something else) is logged with the port, the service and
 * the instances that need it, shown by {@link GetStatus}, and retried with back-off; it never
 * stops the node. {@link Drain} stops accepting at once, tells the asker when the port is free (so
 * a replacing listener can bind), lets open connections finish within the drain grace, then stops.
 */
public final class ProxyListener extends AbstractBehavior<ProxyListener.Command> {
  public sealed interface Command {}

  /** Stop accepting; {@code replyTo} hears {@link Released} once the port is free; then drain and stop. */
  public record Drain(ActorRef<Released> replyTo) implements Command {}

  /** The port of {@code listener} is free again (its open connections may still be draining). */
  public record Released(int port, ActorRef<Command> listener) {}

  /** The instances that need this listener changed (used in messages and the status). */
  public record NeededBy(List<String> instances) implements Command {}

  public record GetStatus(ActorRef<ListenerStatus> replyTo) implements Command {}

  private record Bound(ProxyBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  private enum RetryBind implements Command { INSTANCE }

  private enum PortFree implements Command { INSTANCE }

  private enum Drained implements Command { INSTANCE }

  private enum CheckCerts implements Command { INSTANCE }

  /** How often a TLS listener checks its certificate files for changes. */
  static final Duration CERT_CHECK = Duration.ofSeconds(10);

  /** The UDP proxy has no client address when it asks for an endpoint: client-hash sees this one. */
  private static final InetSocketAddress NO_CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  public static Behavior<Command> create(ListenerSpec spec, List<String> neededBy, Upstream primary,
                                         Upstream fallbackOrNull, ListenersSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ProxyListener(ctx, timers, spec, neededBy, primary, fallbackOrNull, settings)));
  }

  private final TimerScheduler<Command> timers;
  private final ListenerSpec spec;
  private final Upstream primary;
  private final Upstream fallback;
  private final ListenersSettings settings;
  private final String name;
  private List<String> neededBy;
  private ProxyBinding tcp;
  private UdpProxy udp;
  /** The TCP bind in flight, or null: if this actor stops first, the binding it yields is closed. */
  private CompletionStage<ProxyBinding> binding;
  private int failures; // failed binds in a row
  private String error;
  private ActorRef<Released> drainReplyTo; // non-null once draining
  /** The certificate of a TLS listener, reloaded in place when its files change; null for plain TCP. */
  private SniKeyManager keys;

  private ProxyListener(ActorContext<Command> ctx, TimerScheduler<Command> timers, ListenerSpec spec,
                        List<String> neededBy, Upstream primary, Upstream fallback, ListenersSettings settings) {
    super(ctx);
    this.timers = timers;
    this.spec = spec;
    this.neededBy = neededBy;
    this.primary = primary;
    this.fallback = fallback;
    this.settings = settings;
    this.name = spec.name(settings.host());
    bind();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Bound.class, this::onBound)
        .onMessage(BindFailed.class, f -> onBindFailed(f.cause()))
        .onMessage(RetryBind.class, r -> {
          if (drainReplyTo == null) bind();
          return this;
        })
        .onMessage(NeededBy.class, n -> {
          neededBy = n.instances();
          return this;
        })
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(CheckCerts.class, c -> {
          if (keys != null) keys.reloadIfChanged();
          return this;
        })
        .onMessage(Drain.class, this::onDrain)
        .onMessage(PortFree.class, p -> {
          drainReplyTo.tell(new Released(spec.port(), getContext().getSelf()));
          return this;
        })
        .onMessage(Drained.class, d -> {
          tcp = null;
          getContext().getLog().info("listener {} for {} drained and stopped", name, spec.service());
          return Behaviors.stopped();
        })
        .onSignal(PostStop.class, s -> {
          // Stopped without a drain (node shutdown, parent stopped): close what is open now. On node
          // shutdown this runs when the actor system ends, after the instances that used it stopped.
          if (tcp != null) tcp.unbind();
          if (udp != null) udp.close();
          if (binding != null) binding.thenAccept(ProxyBinding::unbind); // nobody will hear of it
          return this;
        })
        .build();
  }

  private void bind() {
    if (spec.protocol() == Protocol.UDP) {
      bindUdp();
      return;
    }
    ListenerSettings ls = new ListenerSettings(name, spec.bindHost(settings.host()), spec.port(), settings.idleTimeout(),
        settings.maxConnections(), settings.drainGrace(), 1024);
    try {
      binding = TcpProxy.bind(getContext().getSystem(), ls, primary, fallback, ProxyProtocol.of(spec.proxyProtocol()),
          spec.tls() == null ? null : tlsEngines());
      getContext().pipeToSelf(binding, (b, failure) -> failure == null ? new Bound(b) : new BindFailed(failure));
    } catch (RuntimeException e) {
      getContext().getSelf().tell(new BindFailed(e));
    }
  }

  /** Server-mode engines from the listener's certificate; the key manager follows changed files. */
  private Supplier<SSLEngine> tlsEngines() {
    if (keys == null) {
      keys = new SniKeyManager(w -> getContext().getLog().warn("listener {}: {}", name, w));
      timers.startTimerWithFixedDelay(CheckCerts.INSTANCE, CERT_CHECK);
    }
    if (!keys.set(List.of(spec.tls()), List.of(List.of()))) {
      throw new IllegalStateException("no usable certificate in " + spec.tls().cert() + " and " + spec.tls().key());
    }
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(new KeyManager[] {keys}, null, null);
      return () -> {
        SSLEngine engine = ssl.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private void bindUdp() {
    UdpProxy.Settings us = new UdpProxy.Settings(name, spec.service().toString(),
        new InetSocketAddress(settings.host(), spec.port()), settings.udpIdleTimeout(), settings.udpMaxSessions());
    try {
      udp = UdpProxy.start(us, chooser(primary, fallback));
      bound(udp.localAddress());
    } catch (IOException | RuntimeException e) {
      onBindFailed(e);
    }
  }

  private Behavior<Command> onBound(Bound b) {
    binding = null;
    tcp = b.binding();
    if (drainReplyTo != null) return startDrain(); // removed while the bind was in flight
    bound(tcp.localAddress());
    return this;
  }

  private void bound(InetSocketAddress address) {
    if (failures > 0) getContext().getLog().info("listener {} for {} is bound after {} failed attempt(s)", name, spec.service(), failures);
    else getContext().getLog().info("listener {} for {} is bound ({})", name, spec.service(), spec);
    failures = 0;
    error = null;
  }

  private Behavior<Command> onBindFailed(Throwable cause) {
    binding = null;
    if (drainReplyTo != null) return releasedAndStop();
    failures++;
    Duration wait = settings.bindRetryAfter(failures);
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String reason = String.valueOf(root.getMessage()); // e.g. "Address already in use"
    error = "cannot bind " + name + " (" + spec.protocol() + ") for " + spec.service() + ", needed by "
        + String.join(", ", neededBy) + ": " + reason
        + (reason.contains("in use") ? "; is another program using port " + spec.port() + "?" : "")
        + " retrying in " + wait.toMillis() + " ms";
    getContext().getLog().warn(error);
    timers.startSingleTimer(RetryBind.INSTANCE, wait);
    return this;
  }

  private Behavior<Command> onDrain(Drain d) {
    if (drainReplyTo != null) return this;
    drainReplyTo = d.replyTo();
    timers.cancelAll();
    if (tcp != null) return startDrain();
    if (udp != null) {
      udp.close(); // datagrams have no connection to finish
      udp = null;
      return releasedAndStop();
    }
    if (binding != null) return this; // onBound or onBindFailed finishes the drain
    return releasedAndStop();
  }

  private Behavior<Command> startDrain() {
    getContext().getLog().info("listener {} for {} draining {} connection(s) for up to {}", name, spec.service(),
        tcp.activeConnections(), settings.drainGrace());
    getContext().pipeToSelf(tcp.whenUnbound(), (d, e) -> PortFree.INSTANCE);
    getContext().pipeToSelf(tcp.drain(settings.drainGrace()), (d, e) -> Drained.INSTANCE);
    return this;
  }

  private Behavior<Command> releasedAndStop() {
    drainReplyTo.tell(new Released(spec.port(), getContext().getSelf()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onGetStatus(GetStatus g) {
    String address = null;
    int active = 0;
    if (tcp != null) {
      address = tcp.localAddress().getAddress().getHostAddress() + ":" + tcp.localAddress().getPort();
      active = tcp.activeConnections();
    } else if (udp != null) {
      address = udp.localAddress().getAddress().getHostAddress() + ":" + udp.localAddress().getPort();
      active = udp.activeSessions();
    }
    String state = drainReplyTo != null ? ListenerStatus.DRAINING
        : address != null ? ListenerStatus.BOUND : error != null ? ListenerStatus.BIND_FAILED : ListenerStatus.BINDING;
    g.replyTo().tell(ListenerStatus.of(settings.host(), spec, neededBy, state, address, error, active, primary, fallback));
    return this;
  }

  /** The UDP proxy's endpoint source: the primary's balancer over its available endpoints, else the fallback's. */
  static Supplier<InetSocketAddress> chooser(Upstream primary, Upstream fallback) {
    return () -> {
      InetSocketAddress a = choose(primary);
      return a != null || fallback == null ? a : choose(fallback);
    };
  }

  private static InetSocketAddress choose(Upstream u) {
    List<EndpointState> available = u.pool().available();
    if (available.isEmpty()) return null;
    Endpoint e = u.balancer().choose(available, NO_CLIENT).endpoint();
    return new InetSocketAddress(e.host(), e.port()); // once per new UDP session, not per datagram
  }
}
