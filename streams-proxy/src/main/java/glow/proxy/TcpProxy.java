package glow.proxy;

import akka.actor.typed.ActorSystem;
import akka.io.Inet;
import akka.stream.Materializer;
import akka.stream.TLSClosing;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * Binds smart TCP proxy listeners with Akka Streams: each accepted downstream connection is joined
 * to one endpoint of an {@link Upstream}, chosen by its balancer from the current {@link Pool}
 * snapshot; a failed connect is retried on another endpoint, then on the fallback upstream; when all
 * fail the downstream is closed (FIN) and counted. Half-close works both ways, an idle connection is
 * closed after the idle timeout, connections beyond the limit are closed at once and counted.
 * Stateless; the caller keeps the returned {@link ProxyBinding}.
 *
 * <pre>
 *   Upstream billing = new Upstream("billing:8080", UpstreamSettings.defaults());
 *   billing.setEndpoints(List.of(Endpoint.parse("10.0.0.5:8080"), Endpoint.parse("10.0.0.6:8080")));
 *   ProxyBinding b = TcpProxy.bind(system, ListenerSettings.of("billing:8080->7001", "127.0.0.1", 7001), billing, null)
 *       .toCompletableFuture().join();
 *   ...
 *   b.drain(Duration.ofSeconds(10));   // on shutdown or when the requirement goes away
 * </pre>
 * Metrics go to Kamon under {@code glow.proxy.*} (the caller initialises Kamon); the actor system
 * should carry {@link ProxyTuning#config()} for the buffer and dispatcher settings the proxy was tuned with.
 */
public final class TcpProxy {
  /** Socket options for both sides; Akka already sets TCP_NODELAY (its default). */
  static final List<Inet.SocketOption> SOCKET_OPTIONS = List.of();

  private TcpProxy() {}

  /**
   * Binds a listener forwarding to {@code primary}, or to {@code fallbackOrNull} when the primary has
   * no available endpoint or every attempt on it failed. The stage fails if the port cannot be bound.
   */
  public static CompletionStage<ProxyBinding> bind(ActorSystem<?> system, ListenerSettings settings,
                                                   Upstream primary, Upstream fallbackOrNull) {
    return bind(system, settings, primary, fallbackOrNull, null);
  }

  /**
   * As {@link #bind(ActorSystem, ListenerSettings, Upstream, Upstream)}, and every upstream connection
   * first receives {@code preambleOrNull}'s bytes (e.g. {@link ProxyProtocol#V1}).
   */
  public static CompletionStage<ProxyBinding> bind(ActorSystem<?> system, ListenerSettings settings,
                                                   Upstream primary, Upstream fallbackOrNull, Preamble preambleOrNull) {
    return bind(system, settings, primary, fallbackOrNull, preambleOrNull, null);
  }

  /**
   * As above, and with {@code tlsOrNull} the listener terminates TLS: each accepted connection gets
   * a server-mode engine from it, and the upstream sees the plain bytes. A failed handshake closes
   * that connection only. A closing side closes both directions (no TLS half-close).
   */
  public static CompletionStage<ProxyBinding> bind(ActorSystem<?> system, ListenerSettings settings,
                                                   Upstream primary, Upstream fallbackOrNull, Preamble preambleOrNull,
                                                   Supplier<SSLEngine> tlsOrNull) {
    Tcp tcp = Tcp.get(system);
    Materializer materializer = Materializer.matFromSystem(system);
    Listener listener = new Listener(settings, primary, fallbackOrNull, tcp, materializer, preambleOrNull);
    // No idle timeout on the bind: ProxyStage times idleness itself (Akka's adds a graph per connection).
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections = tlsOrNull == null
        ? tcp.bind(settings.host(), settings.port(), settings.backlog(), SOCKET_OPTIONS, true, Optional.empty())
        : tcp.bindWithTls(settings.host(), settings.port(), tlsOrNull, settings.backlog(), SOCKET_OPTIONS,
            Optional.empty(), session -> Optional.empty(), TLSClosing.eagerClose());
    return connections
        .to(Sink.foreach(listener::accept))
        .run(materializer)
        .thenApply(binding -> new ProxyBinding(binding, listener, system));
  }
}
