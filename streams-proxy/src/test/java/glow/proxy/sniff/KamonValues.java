package glow.proxy.sniff;

import com.typesafe.config.ConfigFactory;
import kamon.Kamon;
import kamon.metric.Distribution;
import kamon.metric.Instrument;
import kamon.tag.TagSet;

/**
 * Reads current values of Kamon instruments for assertions (what kamon-testkit's
 * InstrumentInspection does, without resetting); a static test utility shared by the sniff and
 * udp tests. Also owns starting and stopping Kamon for a test class.
 */
public final class KamonValues {
  private KamonValues() {}

  /**
   * Starts Kamon without its agent and without the Prometheus server (no port bound), and with no
   * tick during a test run: each tick resets counters, and tests read cumulative values (a tick is
   * aligned to the wall-clock minute, so a test crossing one saw negative deltas).
   */
  public static void start() {
    Kamon.initWithoutAttaching(ConfigFactory.parseString(
            "kamon.modules.prometheus-reporter.enabled = false\n"
                + "kamon.metric.tick-interval = 1 hour\n"
                + "kamon.metric.optimistic-tick-alignment = no\n"
                + "kamon.init.hide-banner = true\n")
        .withFallback(ConfigFactory.load()));
  }

  public static void stop() throws Exception {
    scala.concurrent.Await.result(Kamon.stop(), scala.concurrent.duration.Duration.create(10, "s"));
  }

  public static TagSet tags(ConnectionTags t) {
    return TagSet.builder().add("listener", t.listener()).add("upstream", t.upstream()).add("endpoint", t.endpoint()).build();
  }

  public static long counter(String name, TagSet tags) {
    return (Long) ((Instrument.Snapshotting<?>) Kamon.counter(name).withTags(tags)).snapshot(false);
  }

  public static double gauge(String name, TagSet tags) {
    return (Double) ((Instrument.Snapshotting<?>) Kamon.gauge(name).withTags(tags)).snapshot(false);
  }

  public static Distribution timer(String name, TagSet tags) {
    return (Distribution) ((Instrument.Snapshotting<?>) Kamon.timer(name).withTags(tags)).snapshot(false);
  }
}
