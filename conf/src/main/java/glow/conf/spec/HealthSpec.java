package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.time.Duration;
import java.util.Map;

/**
 * How an instance is checked; one per app (derived when the app provides a TCP port and says nothing).
 *
 * @param port     name of the provided port to check
 * @param http     path for an HTTP GET that must answer 2xx/3xx; null means a TCP connect check
 * @param interval time between checks
 * @param timeout  how long one check may take
 */
public record HealthSpec(String port, String http, Duration interval, Duration timeout) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  public HealthSpec {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  static HealthSpec read(YMap app, Map<String, PortSpec> provides) {
    YMap m = app.map("health");
    PortSpec firstTcp = provides.values().stream().filter(p -> p.protocol() == Protocol.TCP).findFirst().orElse(null);
    if (m == null) {
      // no checks configured: a TCP connect on the first TCP port, or only "the process runs"
      return app.has("health") || firstTcp == null ? null : new HealthSpec(firstTcp.name(), null, null, null);
    }
    m.only("port", "http", "interval", "timeout");
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
    if (interval == null || timeout == null) {
      return null;
    }
    return new HealthSpec(port.name(), http, interval, timeout);
  }
}
