package glow.actors.expose;

import java.util.concurrent.ConcurrentHashMap;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of one http expose listener; one per bound listener. Instruments are made
 * once per (expose, status class, who answered) and kept, so a request costs a map read, an
 * increment and a timer record.
 *
 * <p>Prometheus names: {@code glow_expose_requests_total{listener,expose,status,answered_by}} and
 * {@code glow_expose_request_time_seconds{...}} (request head received to response head ready).
 * {@code expose} is {@code -} for a request no expose routes; {@code answered_by} is
 * {@code endpoint} or {@code glow} (Glow's own 404, 502, 503); {@code status} is 1xx..5xx.
 */
final class EdgeMetrics {
  static final String REQUESTS = "glow.expose.requests";
  static final String REQUEST_TIME = "glow.expose.request.time";

  private record Key(String expose, int statusClass, boolean fromGlow) {}

  private record Pair(Counter requests, Timer time) {}

  private final String listener;
  private final ConcurrentHashMap<Key, Pair> instruments = new ConcurrentHashMap<>();

  EdgeMetrics(String listener) {
    this.listener = listener;
  }

  /** Counts one answered request; {@code expose} null when no route matched. */
  void answered(String expose, int status, boolean fromGlow, long nanos) {
    int cls = Math.max(1, Math.min(5, status / 100));
    Pair p = instruments.computeIfAbsent(new Key(expose == null ? "-" : expose, cls, fromGlow), k -> {
      TagSet tags = TagSet.builder().add("listener", listener).add("expose", k.expose())
          .add("status", k.statusClass() + "xx").add("answered_by", k.fromGlow() ? "glow" : "endpoint").build();
      return new Pair(Kamon.counter(REQUESTS, "requests answered by an http expose listener").withTags(tags),
          Kamon.timer(REQUEST_TIME, "request head received to response head ready").withTags(tags));
    });
    p.requests().increment();
    p.time().record(nanos);
  }
}
