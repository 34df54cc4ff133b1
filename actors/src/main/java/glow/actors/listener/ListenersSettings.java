package glow.actors.listener;

import glow.proxy.UpstreamSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How the listeners of one node bind, drain, retry a failed bind and eject endpoints; immutable,
 * one per {@link Listeners} actor.
 *
 * @param host           the loopback address every listener binds, normally 127.0.0.1
 * @param idleTimeout    a TCP connection with no byte either way for this long is closed
 * @param maxConnections open downstream connections per listener; more are closed at once
 * @param drainGrace     how long a removed or replaced listener lets open connections run
 * @param bindRetryMin   first wait after a failed bind; doubled after every further failure
 * @param bindRetryMax   the cap of the wait between bind attempts
 * @param udpIdleTimeout a UDP session without a datagram either way for this long expires
 * @param udpMaxSessions UDP sessions (client addresses) per listener
 * @param ejection       ejection settings every upstream starts from (balancer, connect timeout and
 *                       attempts come from each require)
 * @param statusTimeout  how long {@link Listeners.GetListeners} waits for each listener's answer
 */
public record ListenersSettings(String host, Duration idleTimeout, int maxConnections, Duration drainGrace,
                                Duration bindRetryMin, Duration bindRetryMax, Duration udpIdleTimeout,
                                int udpMaxSessions, UpstreamSettings ejection, Duration statusTimeout) {
  public ListenersSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(drainGrace, "drainGrace");
    Objects.requireNonNull(ejection, "ejection");
    if (bindRetryMin.isNegative() || bindRetryMin.isZero() || bindRetryMax.compareTo(bindRetryMin) < 0) {
      throw new IllegalArgumentException("bind retry: min must be positive and no more than max");
    }
  }

  /**
   * 127.0.0.1, idle 1 h, 10,000 connections, drain 10 s, bind retried after 1 s doubling to 30 s,
   * UDP sessions idle 60 s and at most 1024, the proxy's default ejection, status answers within 3 s.
   */
  public static ListenersSettings defaults() {
    return new ListenersSettings("127.0.0.1", Duration.ofHours(1), 10_000, Duration.ofSeconds(10),
        Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), 1024,
        UpstreamSettings.defaults(), Duration.ofSeconds(3));
  }

  public ListenersSettings withDrainGrace(Duration d) {
    return new ListenersSettings(host, idleTimeout, maxConnections, d, bindRetryMin, bindRetryMax,
        udpIdleTimeout, udpMaxSessions, ejection, statusTimeout);
  }

  public ListenersSettings withBindRetry(Duration min, Duration max) {
    return new ListenersSettings(host, idleTimeout, maxConnections, drainGrace, min, max,
        udpIdleTimeout, udpMaxSessions, ejection, statusTimeout);
  }

  /** The wait before bind attempt number {@code failures + 1}: min * 2^(failures-1), capped at max. */
  public Duration bindRetryAfter(int failures) {
    Duration d = bindRetryMin;
    for (int i = 1; i < failures && d.compareTo(bindRetryMax) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(bindRetryMax) > 0 ? bindRetryMax : d;
  }
}
