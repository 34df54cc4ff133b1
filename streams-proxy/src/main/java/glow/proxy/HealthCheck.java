package glow.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How an upstream actively checks its endpoints: a TCP connect, or an HTTP/1.1 GET of {@code path}
 * that must answer 2xx or 3xx; every {@code interval}, each check bounded by {@code timeout}. An
 * endpoint goes down after {@code fall} failed checks in a row and up again after {@code rise}
 * good ones. Immutable; one per upstream that checks.
 */
public record HealthCheck(Kind kind, String path, Duration interval, Duration timeout, int rise, int fall) {
  public enum Kind { TCP, HTTP }

  public HealthCheck {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.HTTP && (path == null || !path.startsWith("/"))) {
      throw new IllegalArgumentException("health check path \"" + path + "\" must start with / (write e.g. http:/healthz)");
    }
    if (kind == Kind.TCP) path = null;
    interval = interval == null ? Duration.ofSeconds(2) : interval;
    timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("health check interval must be positive");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("health check timeout must be positive");
    if (rise < 1 || fall < 1) throw new IllegalArgumentException("health check rise and fall must be at least 1");
  }

  /** A TCP connect check every 2 s (timeout 1 s, rise 2, fall 3: HAProxy's defaults). */
  public static HealthCheck tcp() {
    return new HealthCheck(Kind.TCP, null, null, null, 2, 3);
  }

  /** An HTTP GET check of {@code path} every 2 s (timeout 1 s, rise 2, fall 3). */
  public static HealthCheck http(String path) {
    return new HealthCheck(Kind.HTTP, path, null, null, 2, 3);
  }

  /** Parses {@code tcp} or {@code http:/path}, the form of the {@code --health} flag. */
  public static HealthCheck parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.equalsIgnoreCase("tcp")) return tcp();
    if (s.regionMatches(true, 0, "http:", 0, 5)) return http(s.substring(5));
    throw new IllegalArgumentException("health check \"" + s + "\" is not tcp or http:/path (write e.g. http:/healthz)");
  }

  public HealthCheck withInterval(Duration d) { return new HealthCheck(kind, path, d, timeout, rise, fall); }
  public HealthCheck withTimeout(Duration d) { return new HealthCheck(kind, path, interval, d, rise, fall); }
  public HealthCheck withRiseFall(int r, int f) { return new HealthCheck(kind, path, interval, timeout, r, f); }
}
