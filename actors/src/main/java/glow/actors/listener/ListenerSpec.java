package glow.actors.listener;

import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceKey;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.Protocol;
import glow.conf.spec.TlsSpec;
import glow.proxy.UpstreamSettings;

/**
 * What one proxy listener forwards to and how; one per local port a node's instances require, and
 * one per tcp-mode expose on this edge node. Two specs are equal exactly when the listener can stay
 * as it is: any difference (service, fallback, protocol, balancer, attempts, connect timeout, bind
 * host, PROXY protocol) replaces the listener.
 *
 * @param fallback      null when there is none
 * @param upstream      the settings of both the primary and the fallback upstream of this listener
 * @param host          the bind address, or null for the node's loopback host (a require's listener)
 * @param expose        the expose file's name for a public listener, null for a require's
 * @param proxyProtocol "v1" or "v2" to send a PROXY protocol header to the upstream, or null
 * @param tls           the certificate a public listener terminates TLS with, or null for plain TCP
 */
public record ListenerSpec(int port, ServiceKey service, ServiceKey fallback, Protocol protocol,
                           UpstreamSettings upstream, String host, String expose, String proxyProtocol, TlsSpec tls) {

  /** A loopback listener for a require: bound on the node's loopback host, no PROXY header. */
  public ListenerSpec(int port, ServiceKey service, ServiceKey fallback, Protocol protocol, UpstreamSettings upstream) {
    this(port, service, fallback, protocol, upstream, null, null, null, null);
  }

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

  /**
   * A public listener for a tcp-mode expose: bound on its {@code listen} address; balancer, connect
   * attempts and ejection from {@code base} (the node's defaults); no active health check, as for
   * requires.
   */
  public static ListenerSpec ofExpose(ExposeSpec e, ServiceKey target, UpstreamSettings base) {
    UpstreamSettings s = base.withHealthCheck(null);
    return new ListenerSpec(e.listen().port(), target, null, Protocol.TCP, s, e.listen().host(), e.name(),
        e.proxyProtocol(), e.tls());
  }

  /** The address to bind: this spec's host, else the node's loopback {@code defaultHost}. */
  public String bindHost(String defaultHost) {
    return host == null ? defaultHost : host;
  }

  /** The listener's name in metrics and messages: {@code 127.0.0.1:7001}. */
  public String name(String defaultHost) {
    return bindHost(defaultHost) + ":" + port;
  }

  @Override
  public String toString() {
    return (expose == null ? "" : "expose " + expose + " " + host + ":") + port + " -> " + service + (fallback == null ? "" : " (fallback " + fallback + ")")
        + " " + protocol + " balance " + upstream.balancer() + ", " + upstream.maxConnectAttempts() + " attempts"
        + (proxyProtocol == null ? "" : ", proxy-protocol " + proxyProtocol) + (tls == null ? "" : ", tls " + tls.cert());
  }
}
