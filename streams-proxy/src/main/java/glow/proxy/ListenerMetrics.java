package glow.proxy;

import glow.proxy.sniff.ConnectionTags;
import glow.proxy.sniff.ServerErrorListener;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of one listener, looked up once per listener and once per (upstream,
 * endpoint) and then cached, so a connection only touches ready handles. One per listener.
 * Names start with {@code glow.proxy.} (Prometheus: {@code glow_proxy_*}).
 */
final class ListenerMetrics {
  final String listener;
  /** Downstream connections refused because the listener was at its connection limit. */
  final Counter limit;
  /** Downstream connections closed because no upstream had an available endpoint. */
  final Counter noEndpoint;
  /** Downstream connections closed because every connect attempt failed. */
  final Counter exhausted;
  private final ConcurrentHashMap<EndpointState, EndpointMetrics> perEndpoint = new ConcurrentHashMap<>();

  /**
   * Gauges sample their counters once a second on Kamon's scheduler instead of being set by every
   * connection: racing sets could leave a stale value, and the connection path stays write-free.
   */
  static final Duration GAUGE_SAMPLING = Duration.ofSeconds(1);

  ListenerMetrics(String listener, String primaryUpstream, AtomicInteger listenerActive) {
    this.listener = listener;
    this.limit = failures(listener, primaryUpstream, "", "limit");
    this.noEndpoint = failures(listener, primaryUpstream, "", "no-endpoint");
    this.exhausted = failures(listener, primaryUpstream, "", "exhausted");
    Kamon.gauge("glow.proxy.listener.active", "open downstream connections of a listener")
        .withTags(TagSet.of("listener", listener))
        .autoUpdate((Consumer<Gauge>) g -> g.update(listenerActive.get()), GAUGE_SAMPLING);
  }

  EndpointMetrics of(Upstream upstream, EndpointState endpoint) {
    EndpointMetrics m = perEndpoint.get(endpoint);
    return m != null ? m : perEndpoint.computeIfAbsent(endpoint, e -> new EndpointMetrics(listener, upstream, e));
  }

  static Counter failures(String listener, String upstream, String endpoint, String kind) {
    return Kamon.counter("glow.proxy.failures", "connect failures and refused downstream connections, by kind")
        .withTags(TagSet.builder().add("listener", listener).add("upstream", upstream)
            .add("endpoint", endpoint).add("kind", kind).build());
  }

  /** The instruments of one endpoint of one upstream, as seen by one listener. */
  static final class EndpointMetrics {
    final ConnectionTags tags;
    /** Given to each connection's sniffer: an HTTP 5xx counts against the endpoint like a failed connect. */
    final ServerErrorListener serverErrors;
    final Counter opened;
    final Counter closed;
    final Counter requestBytes;
    final Counter responseBytes;
    final Histogram connectTime;
    final Counter refused;
    final Counter timeout;
    final Counter otherFailure;
    final Counter retries;
    final AtomicInteger active = new AtomicInteger();

    EndpointMetrics(String listener, Upstream u, EndpointState e) {
      String upstream = u.name();
      String endpoint = e.endpoint().toString();
      this.serverErrors = (connectionTags, status) -> u.failed(e);
      this.tags = new ConnectionTags(listener, upstream, endpoint);
      TagSet t = TagSet.builder().add("listener", listener).add("upstream", upstream).add("endpoint", endpoint).build();
      opened = Kamon.counter("glow.proxy.connections.opened", "upstream connections established").withTags(t);
      closed = Kamon.counter("glow.proxy.connections.closed", "proxied connections ended").withTags(t);
      Kamon.gauge("glow.proxy.connections.active", "proxied connections open now").withTags(t)
          .autoUpdate((Consumer<Gauge>) g -> g.update(active.get()), GAUGE_SAMPLING);
      // no MeasurementUnit: Kamon's Prometheus export would append "_bytes" to a name that says it already
      requestBytes = Kamon.counter("glow.proxy.request.bytes", "bytes from downstream to upstream").withTags(t);
      responseBytes = Kamon.counter("glow.proxy.response.bytes", "bytes from upstream to downstream").withTags(t);
      connectTime = Kamon.histogram("glow.proxy.connect.time", "time to establish the upstream connection", MeasurementUnit.time().nanoseconds()).withTags(t);
      refused = failures(listener, upstream, endpoint, "refused");
      timeout = failures(listener, upstream, endpoint, "timeout");
      otherFailure = failures(listener, upstream, endpoint, "error");
      retries = Kamon.counter("glow.proxy.retries", "connect attempts after a failed one").withTags(t);
    }

    void opened() {
      opened.increment();
      active.incrementAndGet();
    }

    void closed() {
      closed.increment();
      active.decrementAndGet();
    }
  }
}
