package glow.proxy.sniff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import kamon.tag.TagSet;

/**
 * Runs a sniffer over a conversation and reports what Kamon counted during that run (a delta of
 * the real instruments); a static test utility for the sniff tests.
 */
final class SniffRuns {
  private SniffRuns() {}

  /** What one run counted: non-zero buckets only, keyed "METHOD status" or "COMMAND". */
  record Counts(Map<String, Long> counted, Map<String, Long> timed, Map<String, Long> errors, long unparsed, int serverErrors) {}

  static ConnectionTags tags(String scenario) {
    return new ConnectionTags("test-" + scenario, "svc:8080", "127.0.0.1:" + (10_000 + Math.abs(scenario.hashCode() % 50_000)));
  }

  /** Expected HTTP counts: every answered request is also timed. */
  static Counts http(Map<String, Long> requests, long unparsed, int serverErrors) {
    Map<String, Long> timed = new TreeMap<>();
    requests.forEach((k, v) -> {
      if (!k.endsWith(" none")) timed.put(k, v);
    });
    return new Counts(new TreeMap<>(requests), timed, Map.of(), unparsed, serverErrors);
  }

  static Counts redis(Map<String, Long> commands, Map<String, Long> timed, Map<String, Long> errors, long unparsed) {
    return new Counts(new TreeMap<>(commands), new TreeMap<>(timed), new TreeMap<>(errors), unparsed, 0);
  }

  /** Replays with every single cut point, then byte by byte, then as ropes, and asserts the same counts each time. */
  static void assertSameCountsAtEveryCut(String scenario, Conversation c, Counts expected, boolean redis) {
    ConnectionTags t = tags(scenario);
    // Each run's "after" is the next run's "before": half the (costly) histogram snapshots.
    Snapshot[] last = {snapshot(t, redis)};
    for (int cut = 0; cut < c.length(); cut++) {
      final int at = cut;
      assertEquals(expected, run(t, redis, s -> c.replayCutAt(s, at), last), scenario + ": cut at byte " + cut);
    }
    assertEquals(expected, run(t, redis, c::replayByteByByte, last), scenario + ": one byte per chunk");
    assertEquals(expected, run(t, redis, s -> c.replayAsRopes(s, 3), last), scenario + ": ropes of 3-byte pieces");
  }

  static Counts run(ConnectionTags t, boolean redis, Consumer<Sniffer> replay) {
    return run(t, redis, replay, new Snapshot[] {snapshot(t, redis)});
  }

  private static Snapshot snapshot(ConnectionTags t, boolean redis) {
    return redis ? redisSnapshot(t) : httpSnapshot(t);
  }

  /** Runs once; {@code last[0]} holds the values before and is replaced by the values after. */
  private static Counts run(ConnectionTags t, boolean redis, Consumer<Sniffer> replay, Snapshot[] last) {
    Snapshot before = last[0];
    AtomicInteger serverErrors = new AtomicInteger();
    Sniffer sniffer = Sniffers.forConnection(t, (tags, status) -> {
      assertEquals(t, tags);
      serverErrors.incrementAndGet();
    });
    replay.accept(sniffer);
    Snapshot after = snapshot(t, redis);
    last[0] = after;
    return new Counts(delta(before.counted, after.counted), delta(before.timed, after.timed),
        delta(before.errors, after.errors), after.unparsed - before.unparsed, serverErrors.get());
  }

  private record Snapshot(Map<String, Long> counted, Map<String, Long> timed, Map<String, Long> errors, long unparsed) {}

  private static Snapshot httpSnapshot(ConnectionTags t) {
    TagSet base = KamonValues.tags(t);
    Map<String, Long> counted = new TreeMap<>();
    Map<String, Long> timed = new TreeMap<>();
    for (String m : HttpMetrics.METHODS) {
      for (String s : HttpMetrics.STATUSES) {
        TagSet tags = base.withTag("method", m).withTag("status", s);
        counted.put(m + " " + s, KamonValues.counter(HttpMetrics.REQUESTS, tags));
        timed.put(m + " " + s, KamonValues.timer(HttpMetrics.REQUEST_TIME, tags).count());
      }
    }
    return new Snapshot(counted, timed, Map.of(), KamonValues.counter(HttpMetrics.UNPARSED, base));
  }

  private static Snapshot redisSnapshot(ConnectionTags t) {
    TagSet base = KamonValues.tags(t);
    Map<String, Long> counted = new TreeMap<>();
    Map<String, Long> timed = new TreeMap<>();
    Map<String, Long> errors = new TreeMap<>();
    for (String c : RespMetrics.COMMANDS) {
      TagSet tags = base.withTag("command", c);
      counted.put(c, KamonValues.counter(RespMetrics.COMMANDS_COUNTER, tags));
      timed.put(c, KamonValues.timer(RespMetrics.COMMAND_TIME, tags).count());
      errors.put(c, KamonValues.counter(RespMetrics.ERRORS, tags));
    }
    return new Snapshot(counted, timed, errors, KamonValues.counter(RespMetrics.UNPARSED, base));
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long diff = v - before.getOrDefault(k, 0L);
      if (diff != 0) d.put(k, diff);
    });
    return d;
  }
}
