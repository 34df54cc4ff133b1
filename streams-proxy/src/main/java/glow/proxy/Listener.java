package glow.proxy;

import akka.Done;
import akka.stream.Materializer;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared state of one bound listener: its upstreams, metrics, open-connection count and the
 * handles that close connections when a drain runs out of time. One per {@link TcpProxy#bind}.
 */
final class Listener {
  final ListenerSettings settings;
  final Upstream primary;
  final Upstream fallback;
  final Tcp tcp;
  final Materializer materializer;
  final ListenerMetrics metrics;
  /** Sent to each upstream connection before the downstream's bytes; null for none. */
  final Preamble preamble;
  private final AtomicInteger active = new AtomicInteger();
  private final Set<ProxyStage.Closer> open = ConcurrentHashMap.newKeySet();
  /** Completed when draining and the last connection ended. */
  final CompletableFuture<Done> allClosed = new CompletableFuture<>();
  private volatile boolean draining;
  /** Set by closeAll: a connection that registers afterwards (accepted just before) closes at once. */
  private volatile boolean closing;

  /** Closes a connection over the limit at once: no byte is read, the downstream sees EOF. */
  private static final Flow<ByteString, ByteString, ?> REJECT = Flow.fromSinkAndSource(Sink.cancelled(), Source.empty());

  Listener(ListenerSettings settings, Upstream primary, Upstream fallback, Tcp tcp, Materializer materializer,
           Preamble preamble) {
    this.settings = settings;
    this.preamble = preamble;
    this.primary = primary;
    this.fallback = fallback;
    this.tcp = tcp;
    this.materializer = materializer;
    this.metrics = new ListenerMetrics(settings.name(), primary.name(), active);
  }

  /** Runs on the bind stream for every accepted connection: one materialization each. */
  void accept(Tcp.IncomingConnection connection) {
    int n = active.incrementAndGet();
    if (n > settings.maxConnections() || draining) {
      active.decrementAndGet();
      metrics.limit.increment();
      connection.handleWith(REJECT, materializer);
      return;
    }
    connection.handleWith(Flow.fromGraph(new ProxyStage(this, connection.remoteAddress(), connection.localAddress())), materializer);
  }

  int active() {
    return active.get();
  }

  void register(ProxyStage.Closer c) {
    open.add(c);
    if (closing) c.close();
  }

  void unregister(ProxyStage.Closer c) {
    if (open.remove(c)) {
      int n = active.decrementAndGet();
      if (n == 0 && draining) allClosed.complete(Done.getInstance());
    }
  }

  void startDraining() {
    draining = true;
    if (active.get() == 0) allClosed.complete(Done.getInstance());
  }

  /** Closes every open connection now (FIN to both sides). */
  void closeAll() {
    closing = true;
    for (ProxyStage.Closer c : open) c.close();
  }
}
