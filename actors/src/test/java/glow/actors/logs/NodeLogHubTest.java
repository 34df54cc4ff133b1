package glow.actors.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.process.StdStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class NodeLogHubTest {
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  static LogLine line(String app, int i) {
    return new LogLine(T0.plusMillis(i), "n1", app, app + ":1#1", StdStream.STDOUT, "line " + i);
  }

  static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(5); // polling with a deadline
    }
  }

  @Test
  void deliversMatchingLinesInPublishOrder() throws Exception {
    try (NodeLogHub hub = new NodeLogHub(100, 10_000)) {
      List<LogLine> web = new CopyOnWriteArrayList<>();
      hub.subscribe(l -> l.app().equals("web"), web::add);
      for (int i = 0; i < 1000; i++) hub.publish(line(i % 2 == 0 ? "web" : "db", i));
      await("500 lines arrived", () -> web.size() == 500);
      assertEquals(IntStream.range(0, 1000).filter(i -> i % 2 == 0).mapToObj(i -> line("web", i)).toList(), web);
    }
  }

  @Test
  void aSlowSubscriberLosesCountedLinesAndNeverBlocksThePublisher() throws Exception {
    try (NodeLogHub hub = new NodeLogHub(100, 64)) {
      CountDownLatch release = new CountDownLatch(1);
      List<LogLine> got = new CopyOnWriteArrayList<>();
      NodeLogHub.Subscription slow = hub.subscribe(l -> true, l -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        got.add(l);
      });
      List<LogLine> fast = new CopyOnWriteArrayList<>();
      NodeLogHub.Subscription fastSub = hub.subscribe(l -> true, fast::add);
      long t0 = System.nanoTime();
      for (int i = 0; i < 5_000; i++) hub.publish(line("web", i));
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(tookMs < 2000, "publishing 5000 lines with a stuck subscriber took " + tookMs + " ms");
      // the other subscriber is served while the slow one is stuck (its own queue may overflow in this burst too)
      await("the other subscriber saw every line", () -> fast.size() + fastSub.dropped() == 5_000);
      assertTrue(fast.size() >= 64, "the other subscriber got " + fast.size());
      release.countDown();
      await("the slow subscriber got what it kept", () -> got.size() + slow.dropped() == 5_000);
      assertTrue(slow.dropped() >= 5_000 - 64 - 1, "dropped " + slow.dropped());
    }
  }

  @Test
  void answersSinceFromTheRecentLinesOnly() {
    try (NodeLogHub hub = new NodeLogHub(10, 10)) {
      for (int i = 0; i < 30; i++) hub.publish(line("web", i));
      assertEquals(IntStream.range(20, 30).mapToObj(i -> line("web", i)).toList(), hub.since(T0, l -> true, 100));
      assertEquals(List.of(line("web", 28), line("web", 29)), hub.since(T0.plusMillis(25), l -> true, 2));
      assertEquals(List.of(), hub.since(T0.plusMillis(25), l -> l.app().equals("db"), 10));
    }
  }

  @Test
  void aClosedSubscriptionGetsNothingMore() throws Exception {
    try (NodeLogHub hub = new NodeLogHub(10, 100)) {
      List<LogLine> got = new CopyOnWriteArrayList<>();
      NodeLogHub.Subscription s = hub.subscribe(l -> true, got::add);
      hub.publish(line("web", 1));
      await("the first line arrived", () -> got.size() == 1);
      s.close();
      hub.publish(line("web", 2));
      // a probe subscriber that gets line 3 proves line 2 and 3 were delivered to whoever was subscribed
      List<LogLine> probe = new CopyOnWriteArrayList<>();
      hub.subscribe(l -> true, probe::add);
      hub.publish(line("web", 3));
      await("the probe got line 3", () -> probe.size() == 1);
      assertEquals(List.of(line("web", 1)), got);
    }
  }
}
