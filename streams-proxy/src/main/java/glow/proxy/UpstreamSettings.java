package glow.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How one upstream chooses, connects to and judges its endpoints. Immutable; one per upstream.
 *
 * @param balancer            a built-in balancer name or a class name, see {@link glow.proxy.balance.Balancer}
 * @param connectTimeout      how long one connect attempt may take before it counts as a timeout failure
 * @param maxConnectAttempts  connect attempts per downstream connection on this upstream, each on a
 *                            different endpoint (1 = no retry); then the fallback upstream is tried
 * @param ejectAfterFailures  consecutive connect failures (or reported failures) that eject an endpoint
 * @param ejectionBase        first ejection time; each further ejection of the same endpoint doubles it
 * @param ejectionMax         the cap of the ejection time
 * @param maxEjectionPercent  at most this share of the endpoints is ejected at once (0..100, rounded down)
 * @param healthCheck         active health check, or null for none
 */
public record UpstreamSettings(
    String balancer,
    Duration connectTimeout,
    int maxConnectAttempts,
    int ejectAfterFailures,
    Duration ejectionBase,
    Duration ejectionMax,
    int maxEjectionPercent,
    HealthCheck healthCheck) {

  public UpstreamSettings {
    balancer = balancer == null || balancer.isBlank() ? "round-robin" : balancer.trim();
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connect timeout must be positive");
    if (maxConnectAttempts < 1) throw new IllegalArgumentException("max connect attempts must be at least 1 (retries + 1)");
    if (ejectAfterFailures < 1) throw new IllegalArgumentException("eject-after-failures must be at least 1");
    Objects.requireNonNull(ejectionBase, "ejectionBase");
    Objects.requireNonNull(ejectionMax, "ejectionMax");
    if (ejectionBase.isNegative() || ejectionBase.isZero() || ejectionMax.compareTo(ejectionBase) < 0) {
      throw new IllegalArgumentException("ejection base must be positive and no more than ejection max");
    }
    if (maxEjectionPercent < 0 || maxEjectionPercent > 100) throw new IllegalArgumentException("max ejection percent must be 0..100");
  }

  /** Round-robin, 1 s connect timeout, 3 attempts, eject after 5 failures for 10 s doubling to 5 min, at most 50%, no health check. */
  public static UpstreamSettings defaults() {
    return new UpstreamSettings("round-robin", Duration.ofSeconds(1), 3, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50, null);
  }

  public UpstreamSettings withBalancer(String b) {
    return new UpstreamSettings(b, connectTimeout, maxConnectAttempts, ejectAfterFailures, ejectionBase, ejectionMax, maxEjectionPercent, healthCheck);
  }

  public UpstreamSettings withConnectTimeout(Duration d) {
    return new UpstreamSettings(balancer, d, maxConnectAttempts, ejectAfterFailures, ejectionBase, ejectionMax, maxEjectionPercent, healthCheck);
  }

  public UpstreamSettings withMaxConnectAttempts(int n) {
    return new UpstreamSettings(balancer, connectTimeout, n, ejectAfterFailures, ejectionBase, ejectionMax, maxEjectionPercent, healthCheck);
  }

  public UpstreamSettings withEjection(int afterFailures, Duration base, Duration max, int maxPercent) {
    return new UpstreamSettings(balancer, connectTimeout, maxConnectAttempts, afterFailures, base, max, maxPercent, healthCheck);
  }

  public UpstreamSettings withHealthCheck(HealthCheck h) {
    return new UpstreamSettings(balancer, connectTimeout, maxConnectAttempts, ejectAfterFailures, ejectionBase, ejectionMax, maxEjectionPercent, h);
  }
}
