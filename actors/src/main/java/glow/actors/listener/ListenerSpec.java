package glow.actors.listener;

import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceKey;
import glow.conf.spec.Protocol;
import glow.proxy.UpstreamSettings;

/**
 * What one loopback listener forwards to and how; one per local port a node's instances require.
 * Two specs are equal exactly when the listener can stay as it is: any difference (service,
 * fallback, protocol, balancer, attempts, connect timeout) replaces the listener.
 *
 * @param fallback null when there is none
 * @param upstream the settings of both the primary and the fallback upstream of this listener
 */
public record ListenerSpec(int port, ServiceKey service, ServiceKey fallback, Protocol protocol,
                           UpstreamSettings upstream) {

  /**
   * The listener for one require. Mapping: {@code balance} is the balancer name or class
   * ({@code hash} is the proxy's client-hash), {@code connect-timeout} the connect timeout,
   * {@code retries + 1} the connect attempts per upstream; ejection comes from {@code base}. No
   * active health check: the registry only lists instances whose own supervisor sees them healthy
   * (it runs the app's {@code health} check next to the process), and passive ejection plus connect
   * retries route around an endpoint this node cannot reach; checking again from every consumer
   * node would multiply the check traffic by the number of nodes.
   */
  public static ListenerSpec of(ResolvedRequire r, Protocol protocol, UpstreamSettings base) {
    UpstreamSettings s = base.withBalancer(r.balance())
        .withConnectTimeout(r.connectTimeout())
        .withMaxConnectAttempts(r.retries() + 1)
        .withHealthCheck(null);
    return new ListenerSpec(r.local(), r.service(), r.fallback(), protocol == null ? Protocol.TCP : protocol, s);
  }

  /** The listener's name in metrics and messages: {@code 127.0.0.1:7001}. */
  public String name(String host) {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return port + " -> " + service + (fallback == null ? "" : " (fallback " + fallback + ")")
        + " " + protocol + " balance " + upstream.balancer() + ", " + upstream.maxConnectAttempts() + " attempts";
  }
}
