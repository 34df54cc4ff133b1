package glow.proxy;

import akka.actor.typed.ActorSystem;
import glow.proxy.balance.Balancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.tag.TagSet;

/**
 * One named upstream service (e.g. {@code billing:8080}) with its endpoints and their live state;
 * one per service per JVM, shared by every listener that forwards to it. Thread-safe.
 *
 * <p>The node runtime (an UpstreamPool actor) or {@code glow proxy} feeds it:
 * <pre>
 *   Upstream billing = new Upstream("billing:8080", UpstreamSettings.defaults().withBalancer("least-connections"));
 *   billing.setEndpoints(List.of(new Endpoint("10.0.0.5", 8080, "n1"), new Endpoint("10.0.0.6", 8080, "n2")));
 *   billing.startHealthChecks(system);          // only if settings name a health check
 *   ... TcpProxy.bind(system, listenerSettings, billing, null) ...
 *   billing.reportFailure(endpoint);            // e.g. the HTTP sniffer saw a 5xx
 *   billing.close();                            // stops health checks
 * </pre>
 * Every change (endpoints, ejection, health) publishes a new immutable {@link Pool}; the proxy's
 * per-connection path only reads that snapshot and lock-free counters, it never waits for this class.
 *
 * <p>Passive outlier ejection: {@code ejectAfterFailures} consecutive connect failures (or reported
 * failures) eject an endpoint for {@code ejectionBase * 2^(n-1)} (n = ejections in a row without a
 * successful connect since), capped at {@code ejectionMax}; never more than {@code maxEjectionPercent}
 * of the endpoints at once. The endpoint comes back by itself when the time is over.
 */
public final class Upstream implements AutoCloseable {
  private final String name;
  private final UpstreamSettings settings;
  private final Balancer balancer;
  private final Object lock = new Object();
  /** Guarded by lock; insertion order = order given to setEndpoints. */
  private Map<Endpoint, EndpointState> states = new LinkedHashMap<>();
  private volatile Pool pool = Pool.EMPTY;
  private HealthChecker checker; // guarded by lock

  /** @throws IllegalArgumentException if the settings name an unknown balancer */
  public Upstream(String name, UpstreamSettings settings) {
    this.name = name;
    this.settings = settings;
    this.balancer = Balancer.forName(settings.balancer());
  }

  public String name() { return name; }

  public UpstreamSettings settings() { return settings; }

  public Balancer balancer() { return balancer; }

  /**
   * Replaces the set of endpoints. Endpoints that stay keep their state (connections, failures,
   * ejection, health); new ones start healthy; removed ones get no new connections (open ones run on).
   */
  public void setEndpoints(Collection<Endpoint> endpoints) {
    synchronized (lock) {
      Map<Endpoint, EndpointState> next = new LinkedHashMap<>();
      for (Endpoint e : endpoints) {
        EndpointState s = states.get(e);
        next.put(e, s != null ? s : new EndpointState(e, ejectionCounter(e)));
      }
      states = next;
      publish();
    }
  }

  /** The current snapshot; rebuilt here when an ejection has run out (readmission needs no timer). */
  public Pool pool() {
    Pool p = pool;
    if (p.expiresAtNanos != Long.MAX_VALUE && System.nanoTime() - p.expiresAtNanos >= 0) {
      synchronized (lock) {
        p = publish();
      }
    }
    return p;
  }

  /**
   * Counts a failure of {@code endpoint} seen above TCP (e.g. an HTTP 5xx): like a failed connect, it
   * adds to the consecutive failures that eject the endpoint. Unknown endpoints are ignored.
   */
  public void reportFailure(Endpoint endpoint) {
    EndpointState s = stateOf(endpoint);
    if (s != null) failed(s);
  }

  /** Counts a success of {@code endpoint} (e.g. an HTTP 2xx): resets its consecutive failures. */
  public void reportSuccess(Endpoint endpoint) {
    EndpointState s = stateOf(endpoint);
    if (s != null) succeeded(s);
  }

  /** The live state of {@code endpoint}, or null if it is not in this upstream. */
  public EndpointState stateOf(Endpoint endpoint) {
    for (EndpointState s : pool.all()) {
      if (s.endpoint().equals(endpoint)) return s;
    }
    return null;
  }

  /**
   * Starts the active health checks named in the settings on {@code system}'s scheduler (no-op when
   * there are none, or when they already run). Checks run off the connection path.
   */
  public void startHealthChecks(ActorSystem<?> system) {
    if (settings.healthCheck() == null) return;
    synchronized (lock) {
      if (checker == null) checker = new HealthChecker(this, settings.healthCheck(), system);
    }
  }

  /** Stops health checks; connections and the pool stay usable. */
  @Override public void close() {
    synchronized (lock) {
      if (checker != null) checker.stop();
      checker = null;
    }
  }

  // --- called by the connection path and the health checker ---

  /** A connect to {@code s} succeeded: writes only when there is something to reset. */
  void succeeded(EndpointState s) {
    if (s.consecutiveFailures.get() != 0) s.consecutiveFailures.set(0);
    if (s.timesEjected != 0) s.timesEjected = 0;
  }

  /** A connect to {@code s} failed; ejects it when it failed often enough in a row and the share allows. */
  void failed(EndpointState s) {
    int n = s.consecutiveFailures.incrementAndGet();
    if (n < settings.ejectAfterFailures()) return;
    synchronized (lock) {
      long now = System.nanoTime();
      if (s.ejected() || s.consecutiveFailures.get() < settings.ejectAfterFailures()) return;
      List<EndpointState> all = pool.all();
      int ejectedNow = 0;
      for (EndpointState o : all) if (o.ejected()) ejectedNow++;
      int maxEjected = all.size() * settings.maxEjectionPercent() / 100;
      if (ejectedNow >= maxEjected) return; // keep it: the share of ejected endpoints is at its cap
      long nanos = ejectionTime(settings, s.timesEjected).toNanos();
      s.timesEjected = s.timesEjected + 1;
      s.consecutiveFailures.set(0);
      s.ejectedUntilNanos = now + nanos;
      s.ejections.increment();
      publish();
    }
  }

  /** Records one health check result; flips health after rise/fall results in a row. */
  void checked(EndpointState s, boolean ok, HealthCheck hc) {
    synchronized (lock) {
      s.checking = false;
      if (ok) {
        s.checkRun = s.checkRun > 0 ? s.checkRun + 1 : 1;
        if (!s.healthy && s.checkRun >= hc.rise()) {
          s.healthy = true;
          publish();
        }
      } else {
        s.checkRun = s.checkRun < 0 ? s.checkRun - 1 : -1;
        if (s.healthy && -s.checkRun >= hc.fall()) {
          s.healthy = false;
          publish();
        }
      }
    }
  }

  /** Endpoints due a check (not already being checked); marks them as being checked. */
  List<EndpointState> startChecks() {
    synchronized (lock) {
      List<EndpointState> due = new ArrayList<>();
      for (EndpointState s : states.values()) {
        if (!s.checking) {
          s.checking = true;
          due.add(s);
        }
      }
      return due;
    }
  }

  private Counter ejectionCounter(Endpoint e) {
    return Kamon.counter("glow.proxy.ejections", "endpoints ejected by passive outlier detection")
        .withTags(TagSet.builder().add("upstream", name).add("endpoint", e.toString()).build());
  }

  private Pool publish() {
    Pool p = Pool.of(new ArrayList<>(states.values()), System.nanoTime());
    pool = p;
    return p;
  }

  /** How long the next ejection lasts for an endpoint ejected {@code times} times in a row: base * 2^times, capped. */
  static Duration ejectionTime(UpstreamSettings settings, int times) {
    long nanos = settings.ejectionBase().toNanos();
    for (int i = 0; i < times && nanos < settings.ejectionMax().toNanos(); i++) nanos *= 2;
    return Duration.ofNanos(Math.min(nanos, settings.ejectionMax().toNanos()));
  }

  @Override public String toString() {
    return "Upstream(" + name + ", " + pool.all() + ")";
  }
}
