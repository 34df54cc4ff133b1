package glow.actors.expose;

import glow.conf.spec.TlsSpec;
import java.util.List;

/**
 * One http listener an edge node should have: the address, whether it terminates TLS, and the
 * exposes it routes; one per (listen address, TLS or not) among the http exposes naming this node.
 * The listener stays bound while its {@link #key()} is wanted; routes and certificates change in place.
 *
 * @param certs the TLS certificates of its exposes, in expose order; empty for plain HTTP
 * @param sniHosts per cert, the host names of the exposes using it (for SNI); same order as certs
 */
public record HttpListenerSpec(String host, int port, boolean tls, HttpRoutes routes, List<TlsSpec> certs,
                               List<List<String>> sniHosts) {
  public HttpListenerSpec {
    certs = List.copyOf(certs);
    sniHosts = List.copyOf(sniHosts);
  }

  /** What must stay equal for the binding to stay: {@code http 0.0.0.0:443 tls}. */
  public String key() {
    return "http " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (tls ? " tls" : "");
  }
}
