package glow.proxy.sniff;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import kamon.tag.TagSet;

/** Builds Kamon tag sets from connection tags and caches per-connection-tags instrument holders; one static utility. */
final class MetricTags {
  private MetricTags() {}

  /** Above this many distinct (listener, upstream, endpoint) triples holders are built per connection, uncached. */
  static final int MAX_CACHED = 10_000;

  static TagSet of(ConnectionTags t) {
    return TagSet.builder()
        .add("listener", t.listener())
        .add("upstream", t.upstream())
        .add("endpoint", t.endpoint())
        .build();
  }

  /** The cached holder for these tags, or a fresh one when the cache is full (bounded memory). */
  static <T> T cached(ConcurrentHashMap<ConnectionTags, T> cache, ConnectionTags tags, Function<ConnectionTags, T> make) {
    T found = cache.get(tags);
    if (found != null) return found;
    if (cache.size() >= MAX_CACHED) return make.apply(tags);
    return cache.computeIfAbsent(tags, make);
  }
}
