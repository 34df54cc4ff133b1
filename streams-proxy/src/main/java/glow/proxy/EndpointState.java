package glow.proxy;

import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import glow.proxy.balance.Candidate;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import kamon.metric.Counter;

/**
 * The live state of one endpoint inside one {@link Upstream}: connection count, consecutive
 * failures, ejection and health. One per endpoint per upstream, kept across
 * {@link Upstream#setEndpoints} while the endpoint stays. Fields read by the hot path are atomics
 * or volatiles; transitions (eject, health) happen under the upstream's lock.
 */
public final class EndpointState implements Candidate {
  private final Endpoint endpoint;
  /** Resolved once, when the endpoint is set: the hot path never does DNS. */
  final InetSocketAddress address;
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** System.nanoTime() until which the endpoint is ejected; 0 when it is not. Guarded by the upstream. */
  volatile long ejectedUntilNanos;
  /** How many times in a row it was ejected without a success since; sets the next ejection time. */
  volatile int timesEjected;
  volatile boolean healthy = true;
  /** Health check run: n > 0 = n good checks in a row, n < 0 = -n failed ones. Guarded by the upstream. */
  int checkRun;
  /** True while a health check of this endpoint is in flight. Guarded by the upstream. */
  boolean checking;
  /** The outgoing connection blueprint, built on first use (a benign race builds it twice). */
  private volatile Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connectFlow;

  /** Counts this endpoint's ejections (metric glow.proxy.ejections, tags upstream and endpoint). */
  final Counter ejections;

  EndpointState(Endpoint endpoint, Counter ejections) {
    this.endpoint = endpoint;
    this.ejections = ejections;
    this.address = new InetSocketAddress(endpoint.host(), endpoint.port());
  }

  @Override public Endpoint endpoint() { return endpoint; }

  @Override public int activeConnections() { return active.get(); }

  /** Counts one connection or request in flight to this endpoint that the proxy's stage does not see (an HTTP edge's); pair with {@link #release()}. */
  public void acquire() { active.incrementAndGet(); }

  /** Ends what {@link #acquire()} counted. */
  public void release() { active.decrementAndGet(); }

  public boolean healthy() { return healthy; }

  /** True while passive outlier detection keeps this endpoint out of the pool. */
  public boolean ejected() {
    long until = ejectedUntilNanos;
    return until != 0 && System.nanoTime() - until < 0;
  }

  public int consecutiveFailures() { return consecutiveFailures.get(); }

  Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connectFlow(Tcp tcp, UpstreamSettings settings) {
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> f = connectFlow;
    if (f == null) {
      // halfClose: a downstream that shuts its output still gets the whole answer.
      f = tcp.outgoingConnection(address, Optional.empty(), TcpProxy.SOCKET_OPTIONS, true,
          Optional.of(settings.connectTimeout()), Optional.empty());
      connectFlow = f;
    }
    return f;
  }

  @Override public String toString() {
    return endpoint + (healthy ? "" : " down") + (ejected() ? " ejected" : "") + " active=" + active.get();
  }
}
