package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.time.Duration;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * How an instance is checked; one per app (derived when the app provides a TCP port and says nothing).
 *
 * @param port         name of the provided port to check
 * @param http         path for an HTTP GET that must answer 2xx/3xx; null means a TCP connect check
 * @param interval     time between checks
 * @param timeout      how long one check may take
 * @param restartAfter an instance unhealthy this long without a passing check is restarted; null
 *     means never ({@code restart-after: never}): it stays unhealthy and deregistered until it recovers
 */
public record HealthSpec(String port, String http, Duration interval, Duration timeout, Duration restartAfter) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RESTART_AFTER = Duration.ofSeconds(30);
  /** The YAML word for "never restart an unhealthy instance". */
  public static final String NEVER = "never";

  public HealthSpec {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    // restartAfter: null is a value (never), so it has no default here; see the 4-argument form
  }

  /** A check that restarts an instance unhealthy for {@link #DEFAULT_RESTART_AFTER}. */
  public HealthSpec(String port, String http, Duration interval, Duration timeout) {
    this(port, http, interval, timeout, DEFAULT_RESTART_AFTER);
  }

  static HealthSpec read(YMap app, Map<String, PortSpec> provides) {
    YMap m = app.map("health");
    PortSpec firstTcp = provides.values().stream().filter(p -> p.protocol() == Protocol.TCP).findFirst().orElse(null);
    if (m == null) {
      // no checks configured: a TCP connect on the first TCP port, or only "the process runs"
      return app.has("health") || firstTcp == null ? null : new HealthSpec(firstTcp.name(), null, null, null);
    }
    m.only("port", "http", "interval", "timeout", "restart-after");
    String portText = m.str("port");
    PortSpec port = firstTcp;
    if (portText != null) {
      port = PortSpec.find(provides, portText);
      if (port == null) {
        m.ctx().error(m.node("port"), m.child("port"), "the app provides no port \"" + portText + "\""
            + (provides.isEmpty() ? ", add it under provides" : " (provides " + String.join(", ", provides.keySet()) + ")"));
        return null;
      }
      if (port.protocol() == Protocol.UDP) {
        m.ctx().error(m.node("port"), m.child("port"), "port \"" + portText + "\" is udp, health checks need a tcp port");
        return null;
      }
    } else if (port == null) {
      m.ctx().error(m.node(), m.child("port"), "the app provides no tcp port to check, add one under provides");
      return null;
    }
    String http = m.str("http");
    if (http != null && !http.startsWith("/")) {
      m.ctx().error(m.node("http"), m.child("http"), "\"" + http + "\" must be a path starting with /, e.g. /healthz");
      return null;
    }
    Duration interval = Values.duration(m, "interval", DEFAULT_INTERVAL);
    Duration timeout = Values.duration(m, "timeout", DEFAULT_TIMEOUT);
    Duration[] restartAfter = {DEFAULT_RESTART_AFTER};
    boolean restartOk = readRestartAfter(m, restartAfter);
    if (interval == null || timeout == null || !restartOk) {
      return null;
    }
    return new HealthSpec(port.name(), http, interval, timeout, restartAfter[0]);
  }

  /**
   * Reads {@code restart-after} into into[0] (left as is when absent, null for never); false after
   * an error. Zero is an error rather than "at once": one failed check is not a hung app.
   */
  private static boolean readRestartAfter(YMap m, Duration[] into) {
    Node n = m.node("restart-after");
    if (n == null) {
      return true;
    }
    String s = m.text(n, m.child("restart-after"));
    if (s == null) {
      return false;
    }
    if (s.trim().equals(NEVER)) {
      into[0] = null;
      return true;
    }
    Duration d = Values.parseDuration(s);
    if (d == null || d.isZero()) {
      m.ctx().error(n, m.child("restart-after"), "expected a positive duration like 30s or 5m, or never, found \""
          + s + "\"");
      return false;
    }
    into[0] = d;
    return true;
  }
}
