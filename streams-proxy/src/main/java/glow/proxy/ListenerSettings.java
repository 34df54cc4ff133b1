package glow.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Where one proxy listener binds and how it treats its downstream connections. Immutable; one per
 * listener.
 *
 * @param name           the listener's name in metrics (tag {@code listener}), e.g. "billing:8080->7001"
 * @param host           bind address, normally 127.0.0.1
 * @param port           bind port; 0 picks a free one (see {@link ProxyBinding#localAddress()})
 * @param idleTimeout    a connection with no byte either way for this long is closed; null or zero = never
 * @param maxConnections open downstream connections allowed; the next ones are closed at once and counted
 * @param drainGrace     how long {@link ProxyBinding#drain(Duration)} waits by default
 * @param backlog        the listen socket's accept backlog
 */
public record ListenerSettings(String name, String host, int port, Duration idleTimeout, int maxConnections,
                               Duration drainGrace, int backlog) {
  public ListenerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("listen port " + port + " is outside 0..65535");
    if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) idleTimeout = null;
    if (maxConnections < 1) throw new IllegalArgumentException("max connections must be at least 1");
    drainGrace = drainGrace == null ? Duration.ofSeconds(10) : drainGrace;
    if (backlog < 1) throw new IllegalArgumentException("backlog must be at least 1");
  }

  /** Idle timeout 1 h, 10,000 connections, drain grace 10 s, backlog 1024. */
  public static ListenerSettings of(String name, String host, int port) {
    return new ListenerSettings(name, host, port, Duration.ofHours(1), 10_000, Duration.ofSeconds(10), 1024);
  }

  public ListenerSettings withIdleTimeout(Duration d) {
    return new ListenerSettings(name, host, port, d, maxConnections, drainGrace, backlog);
  }

  public ListenerSettings withMaxConnections(int n) {
    return new ListenerSettings(name, host, port, idleTimeout, n, drainGrace, backlog);
  }

  public ListenerSettings withDrainGrace(Duration d) {
    return new ListenerSettings(name, host, port, idleTimeout, maxConnections, d, backlog);
  }
}
