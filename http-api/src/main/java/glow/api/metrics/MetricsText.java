package glow.api.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import com.typesafe.config.ConfigValueFactory;
import kamon.Kamon;
import kamon.module.Module;
import kamon.prometheus.PrometheusReporter;

/**
 * The Prometheus text of this node for {@code GET /metrics}: Kamon's scrape data (proxy and
 * instance metrics, refreshed every Kamon tick, {@code kamon.metric.tick-interval}) followed by a
 * few JVM gauges read at scrape time; one per node. Kamon's own embedded HTTP server is not used.
 */
public final class MetricsText implements AutoCloseable {
  private final PrometheusReporter reporter;
  private final Module.Registration registration;

  public MetricsText() {
    // never Kamon's embedded server (it binds 0.0.0.0:9095): /metrics serves the scrape data
    reporter = new PrometheusReporter("kamon.prometheus", Kamon.config().withValue(
        "kamon.prometheus.start-embedded-http-server", ConfigValueFactory.fromAnyRef(false)));
    // a unique name per node: tests start several nodes in one JVM
    registration = Kamon.addReporter("glow-api-prometheus-" + System.identityHashCode(this), reporter);
  }

  /** Kamon's data as of its last tick, plus the JVM gauges now. */
  public String scrape() {
    StringBuilder out = new StringBuilder(reporter.scrapeData());
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    gauge(out, "glow_jvm_heap_used_bytes", "heap in use", mem.getHeapMemoryUsage().getUsed());
    gauge(out, "glow_jvm_heap_max_bytes", "largest heap the JVM may use", mem.getHeapMemoryUsage().getMax());
    gauge(out, "glow_jvm_threads", "live threads", threads.getThreadCount());
    gauge(out, "glow_jvm_uptime_seconds", "time since the node's JVM started",
        ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, double value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n');
  }

  @Override
  public void close() {
    registration.cancel();
  }
}
