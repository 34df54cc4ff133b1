package glow.proxy.sniff;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of HTTP/1.x traffic for one (listener, upstream, endpoint); one per distinct
 * triple, shared by its connections. Instruments are resolved once per (method, status) slot and
 * kept, so the per-request cost is an array read and an increment.
 *
 * <p>Prometheus names: {@code glow_proxy_http_requests_total{method,status}} (status is 1xx..5xx, or
 * {@code none} for a request the connection closed before answering),
 * {@code glow_proxy_http_request_time_seconds} (first request byte to end of the final response
 * head), {@code glow_proxy_http_unparsed_total} (connections whose HTTP could not be followed).
 */
final class HttpMetrics {
  static final String REQUESTS = "glow.proxy.http.requests";
  static final String REQUEST_TIME = "glow.proxy.http.request.time";
  static final String UNPARSED = "glow.proxy.http.unparsed";

  /** Method buckets, a fixed list so tag cardinality stays bounded; anything else is "OTHER". */
  static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER"};
  static final int HEAD = 1, CONNECT = 7, OTHER = 9;
  /** Status buckets: index 0 is "none" (unanswered), 1..5 are 1xx..5xx. */
  static final String[] STATUSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private static final ConcurrentHashMap<ConnectionTags, HttpMetrics> CACHE = new ConcurrentHashMap<>();

  static HttpMetrics of(ConnectionTags tags) {
    return MetricTags.cached(CACHE, tags, HttpMetrics::new);
  }

  private final TagSet base;
  private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(METHODS.length * STATUSES.length);
  private final AtomicReferenceArray<Timer> times = new AtomicReferenceArray<>(METHODS.length * STATUSES.length);
  private final Counter unparsed;

  private HttpMetrics(ConnectionTags tags) {
    base = MetricTags.of(tags);
    unparsed = Kamon.counter(UNPARSED, "connections whose HTTP/1.x could not be followed").withTags(base);
  }

  /** Counts one request with a final answer (statusClass 1..5) or none (0) and, if timed, its time in ns. */
  void request(int method, int statusClass, long nanos) {
    int slot = method * STATUSES.length + statusClass;
    Counter c = requests.get(slot);
    if (c == null) {
      c = Kamon.counter(REQUESTS, "HTTP/1.x requests through the proxy").withTags(tags(method, statusClass));
      requests.set(slot, c);
    }
    c.increment();
    if (nanos >= 0) {
      Timer t = times.get(slot);
      if (t == null) {
        t = Kamon.timer(REQUEST_TIME, "first request byte to end of the final response head").withTags(tags(method, statusClass));
        times.set(slot, t);
      }
      t.record(nanos);
    }
  }

  void unparsed() {
    unparsed.increment();
  }

  private TagSet tags(int method, int statusClass) {
    return base.withTag("method", METHODS[method]).withTag("status", STATUSES[statusClass]);
  }

  /** The method bucket of the token [from, to) of {@code a} (a request line), without allocating. */
  static int methodIndex(byte[] a, int from, int to) {
    int len = to - from;
    for (int m = 0; m < OTHER; m++) {
      String name = METHODS[m];
      if (name.length() != len) continue;
      boolean same = true;
      for (int i = 0; i < len && same; i++) same = a[from + i] == name.charAt(i);
      if (same) return m;
    }
    return OTHER;
  }
}
