package glow.actors.listener;

import glow.actors.CborSerializable;
import glow.proxy.EndpointState;
import glow.proxy.Upstream;
import java.util.List;

/**
 * What one loopback listener is doing now, as {@link Listeners.GetListeners} reports it (for
 * {@code GET /api/services}); one per listener per query.
 *
 * @param name              {@code 127.0.0.1:7001}, also the listener's metric tag
 * @param fallback          null when there is none
 * @param balance           the balancer name or class
 * @param connectAttempts   attempts per upstream for one connection (retries + 1)
 * @param neededBy          ids of the instances on this node that require it
 * @param state             bound, binding, bind-failed, draining (being replaced), waiting (for the
 *                          previous listener to release the port), refused (cannot start, see error)
 *                          or no-answer (did not answer in time)
 * @param boundAddress      where it listens, or null while it is not bound
 * @param error             why it is not bound (bind failure, refused), or null
 * @param activeConnections open TCP connections, or live UDP sessions
 * @param endpoints         the primary service's endpoints, in registry order
 * @param fallbackEndpoints the fallback service's endpoints; empty without a fallback
 */
public record ListenerStatus(String name, int port, String protocol, String service, String fallback,
                             String balance, int connectAttempts, List<String> neededBy, String state,
                             String boundAddress,
                             String error, int activeConnections, List<EndpointStatus> endpoints,
                             List<EndpointStatus> fallbackEndpoints) implements CborSerializable {
  public static final String BOUND = "bound";
  public static final String BINDING = "binding";
  public static final String BIND_FAILED = "bind-failed";
  public static final String DRAINING = "draining";
  public static final String WAITING = "waiting";
  public static final String REFUSED = "refused";
  public static final String NO_ANSWER = "no-answer";

  /**
   * One endpoint of an upstream as this node's proxy sees it.
   *
   * @param state available, ejected (passive outlier detection) or down (active health check)
   */
  public record EndpointStatus(String endpoint, String node, String state, int activeConnections,
                               int consecutiveFailures) implements CborSerializable {}

  /** A listener with no live answer (not started, or no reply): what is known from its spec. */
  static ListenerStatus notRunning(String host, DesiredListeners.Desired d, String state, String error) {
    return of(host, d.spec(), d.neededBy(), state, null, error, 0, null, null);
  }

  static ListenerStatus of(String host, ListenerSpec spec, List<String> neededBy, String state, String boundAddress,
                           String error, int active, Upstream primary, Upstream fallback) {
    return new ListenerStatus(spec.name(host), spec.port(), spec.protocol().toString(), spec.service().toString(),
        spec.fallback() == null ? null : spec.fallback().toString(), spec.upstream().balancer(),
        spec.upstream().maxConnectAttempts(), neededBy, state, boundAddress, error, active,
        endpoints(primary), endpoints(fallback));
  }

  /** The endpoints of an upstream as its pool sees them now; empty for null. */
  public static List<EndpointStatus> endpoints(Upstream u) {
    if (u == null) return List.of();
    return u.pool().all().stream().map(ListenerStatus::endpoint).toList();
  }

  private static EndpointStatus endpoint(EndpointState s) {
    String state = !s.healthy() ? "down" : s.ejected() ? "ejected" : "available";
    return new EndpointStatus(s.endpoint().toString(), s.endpoint().node(), state, s.activeConnections(),
        s.consecutiveFailures());
  }
}
