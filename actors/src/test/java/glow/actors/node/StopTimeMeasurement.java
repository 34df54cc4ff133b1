package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures how long a node that leaves a two-node cluster takes to terminate, over TLS and plain
 * TCP alternately, with one core kept busy during each stop; run on demand (it takes minutes):
 * {@code mvn -o -pl actors test -Dtest=StopTimeMeasurement -Dglow.measure.stop-runs=10}. Fails when
 * a stop takes longer than 10 s, printing the phase timings of every run.
 */
@EnabledIfSystemProperty(named = "glow.measure.stop-runs", matches = "[0-9]+")
class StopTimeMeasurement {
  private static final long HUNG_MS = 20_000;
  /** -Dglow.measure.bad-handshakes=true: before each TLS stop, refused handshakes on both nodes (as TwoNodeTlsTest makes). */
  private static final boolean BAD_HANDSHAKES = Boolean.getBoolean("glow.measure.bad-handshakes");

  @Test
  void aLeavingNodeTerminatesWithinTenSecondsOverTlsAndPlainTcp() throws Exception {
    int runs = Integer.getInteger("glow.measure.stop-runs");
    TestKeyStores stores = TestKeyStores.shared();
    Path trust = stores.trustStore();
    List<String> report = new ArrayList<>();
    Map<Boolean, List<Long>> times = new LinkedHashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
    for (int i = 0; i < 2 * runs; i++) {
      boolean tls = i % 2 == 0;
      Map<String, String> o1 = tls ? TestKeyStores.overrides(stores.dir().resolve("n1.p12"), trust) : Map.of();
      Map<String, String> o2 = tls ? TestKeyStores.overrides(stores.dir().resolve("n2.p12"), trust) : Map.of();
      GlowNode n1 = GlowNode.start(TestNodes.settings("n1", null, o1));
      GlowNode n2 = null;
      try {
        n1.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
        n2 = GlowNode.start(TestNodes.settings("n2", TestNodes.address(n1), o2));
        n2.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
        if (tls && BAD_HANDSHAKES) {
          failHandshakes((Integer) TestNodes.address(n1).port().get(), stores);
          failHandshakes((Integer) TestNodes.address(n2).port().get(), stores);
        }
        Map<String, Long> phases = followPhases(n2);
        AtomicBoolean busy = new AtomicBoolean(true);
        Thread load = busyLoop(busy); // the other core, busy only while n2 stops
        long start = System.nanoTime();
        n2.stop();
        long ms;
        try {
          n2.system().getWhenTerminated().toCompletableFuture().get(HUNG_MS, TimeUnit.MILLISECONDS);
          ms = (System.nanoTime() - start) / 1_000_000;
        } catch (TimeoutException e) {
          ms = HUNG_MS;
        } finally {
          busy.set(false);
          load.join();
        }
        times.get(tls).add(ms);
        StringBuilder line = new StringBuilder((tls ? "tls  " : "plain") + " run " + i / 2 + ": " + ms + " ms;");
        phases.forEach((phase, at) -> line.append(' ').append(phase).append('@').append((at - start) / 1_000_000));
        report.add(line.toString());
      } finally {
        if (n2 != null) n2.stop();
        n1.stop();
        n1.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (n2 != null) n2.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
    report.forEach(System.out::println);
    times.forEach((tls, t) -> System.out.println((tls ? "tls  " : "plain") + " stop ms: sorted " + t.stream().sorted().toList()));
    assertTrue(times.values().stream().flatMap(List::stream).allMatch(ms -> ms < 10_000), String.join("\n", report));
  }

  /** A TLS 1.2 client and a client without a certificate: both refused, as in TwoNodeTlsTest. */
  private static void failHandshakes(int port, TestKeyStores stores) throws Exception {
    try (javax.net.ssl.SSLSocket s = TwoNodeTlsTest.connect(TwoNodeTlsTest.client(stores.dir().resolve("n2.p12"), stores.trustStore()), port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.startHandshake();
    } catch (java.io.IOException refused) {
      // expected
    }
    try (javax.net.ssl.SSLSocket s = TwoNodeTlsTest.connect(TwoNodeTlsTest.client(null, stores.trustStore()), port)) {
      s.startHandshake();
      s.getInputStream().read();
    } catch (java.io.IOException refused) {
      // expected
    }
  }

  /** Nanosecond time at which each coordinated-shutdown phase of the node began, in order. */
  private static Map<String, Long> followPhases(GlowNode node) {
    Map<String, Long> began = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    CoordinatedShutdown cs = CoordinatedShutdown.get(node.system());
    for (String phase : scala.jdk.javaapi.CollectionConverters.asJava(cs.orderedPhases())) {
      cs.addTask(phase, "measure", () -> {
        began.put(phase.replace("cluster-", "c-"), System.nanoTime());
        return CompletableFuture.completedFuture(Done.done());
      });
    }
    return began;
  }

  /** Spins one thread until told to stop, at most 30 s (a bound even if the caller fails). */
  private static Thread busyLoop(AtomicBoolean busy) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Thread t = new Thread(() -> {
      long x = 0;
      while (busy.get() && System.nanoTime() < until) x += System.nanoTime() % 7;
      if (x == 42) System.out.println(); // keeps the loop from being optimised away
    }, "busy-loop");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
