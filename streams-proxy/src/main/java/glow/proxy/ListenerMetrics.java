package glow.proxy;

import glow.proxy.sniff.ConnectionTags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final Gauge listenerActive;
  private final ConcurrentHashMap<EndpointState, EndpointMetrics> perEndpoint = new ConcurrentHashMap<>();

  ListenerMetrics(String listener, String primaryUpstream) {
    this.listener = listener;
    this.limit = failures(listener, primaryUpstream, "", "limit");
    this.noEndpoint = failures(listener, primaryUpstream, "", "no-endpoint");
    this.exhausted = failures(listener, primaryUpstream, "", "exhausted");
    this.listenerActive = Kamon.gauge("glow.proxy.listener.active", "open downstream connections of a listener")
        .withTags(TagSet.of("listener", listener));
  }

  void listenerActive(int n) {
    listenerActive.update(n);
  }

  EndpointMetrics of(Upstream upstream, EndpointState endpoint) {
    EndpointMetrics m = perEndpoint.get(endpoint);
    return m != null ? m : perEndpoint.computeIfAbsent(endpoint, e -> new EndpointMetrics(listener, upstream.name(), e));
  }

  static Counter failures(String listener, String upstream, String endpoint, String kind) {
    return Kamon.counter("glow.proxy.failures", "connect failures and refused downstream connections, by kind")
        .withTags(TagSet.builder().add("listener", listener).add("upstream", upstream)
            .add("endpoint", endpoint).add("kind", kind).build());
  }

  /** The instruments of one endpoint of one upstream, as seen by one listener. */
  static final class EndpointMetrics {
    final ConnectionTags tags;
    final Counter opened;
    final Counter closed;
    final Counter requestBytes;
    final Counter responseBytes;
    final Histogram connectTime;
    final Counter refused;
    final Counter timeout;
    final Counter otherFailure;
    final Counter retries;
    private final AtomicInteger active = new AtomicInteger();
    private final Gauge activeGauge;

    EndpointMetrics(String listener, String upstream, EndpointState e) {
      String endpoint = e.endpoint().toString();
      this.tags = new ConnectionTags(listener, upstream, endpoint);
      TagSet t = TagSet.builder().add("listener", listener).add("upstream", upstream).add("endpoint", endpoint).build();
      opened = Kamon.counter("glow.proxy.connections.opened", "upstream connections established").withTags(t);
      closed = Kamon.counter("glow.proxy.connections.closed", "proxied connections ended").withTags(t);
      activeGauge = Kamon.gauge("glow.proxy.connections.active", "proxied connections open now").withTags(t);
      requestBytes = Kamon.counter("glow.proxy.request.bytes", "bytes from downstream to upstream", MeasurementUnit.information().bytes()).withTags(t);
      responseBytes = Kamon.counter("glow.proxy.response.bytes", "bytes from upstream to downstream", MeasurementUnit.information().bytes()).withTags(t);
      connectTime = Kamon.histogram("glow.proxy.connect.time", "time to establish the upstream connection", MeasurementUnit.time().nanoseconds()).withTags(t);
      refused = failures(listener, upstream, endpoint, "refused");
      timeout = failures(listener, upstream, endpoint, "timeout");
      otherFailure = failures(listener, upstream, endpoint, "error");
      retries = Kamon.counter("glow.proxy.retries", "connect attempts after a failed one").withTags(t);
    }

    void opened() {
      opened.increment();
      activeGauge.update(active.incrementAndGet());
    }

    void closed() {
      closed.increment();
      activeGauge.update(active.decrementAndGet());
    }
  }
}
