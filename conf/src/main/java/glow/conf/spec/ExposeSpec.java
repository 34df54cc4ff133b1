package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A public listener on edge nodes, read from {@code expose/NAME.yaml}; one per expose file.
 *
 * @param listen        address and port bound on each edge node
 * @param mode          tcp (bytes forwarded as they are) or http (routed by host and path)
 * @param target        the app or external port traffic goes to
 * @param hosts         http only: Host header values routed here; empty = any host
 * @param path          http only: path prefix routed here, default /
 * @param tls           null for plain text
 * @param proxyProtocol tcp only: "v1" or "v2" to send a PROXY protocol header to the target; null for none
 */
public record ExposeSpec(String name, Endpoint listen, List<String> nodes, Mode mode, ServiceRef target,
                         List<String> hosts, String path, TlsSpec tls, String proxyProtocol) {

  /** How an expose listener handles a connection; two values. */
  public enum Mode {
    TCP, HTTP;

    @Override
    public String toString() {
      return name().toLowerCase();
    }
  }

  public ExposeSpec {
    nodes = List.copyOf(nodes);
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    path = path == null ? "/" : path;
  }

  public static ExposeSpec read(YMap m, String name) {
    m.only("listen", "nodes", "mode", "target", "hosts", "path", "tls", "proxy-protocol");
    Endpoint listen = null;
    String l = m.required("listen", "listen: 0.0.0.0:443");
    if (l != null) {
      listen = Endpoint.parse(l);
      if (listen == null) {
        m.ctx().error(m.node("listen"), "listen", "cannot read \"" + l + "\", write HOST:PORT, e.g. 0.0.0.0:443");
      }
    }
    List<String> nodes = m.strings("nodes");
    if (nodes == null || nodes.isEmpty()) {
      m.ctx().error(m.has("nodes") ? m.node("nodes") : m.node(), "nodes", "missing, name the edge nodes, e.g. \"nodes: [edge1]\"");
      nodes = List.of();
    } else {
      List<Node> items = m.list("nodes");
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof ScalarNode n && !Values.isLabel(n.getValue())) {
          m.ctx().error(n, "nodes[" + i + "]", "node \"" + n.getValue() + "\" must be " + Values.LABEL_RULE);
        }
      }
    }
    Mode mode = Mode.TCP;
    String ms = m.str("mode");
    if (ms != null) {
      if (ms.equals("http")) {
        mode = Mode.HTTP;
      } else if (!ms.equals("tcp")) {
        m.ctx().error(m.node("mode"), "mode", "unknown mode \"" + ms + "\", use tcp or http");
      }
    }
    ServiceRef target = null;
    String t = m.required("target", "target: web:http");
    if (t != null) {
      target = ServiceRef.parse(t);
      if (target == null) {
        m.ctx().error(m.node("target"), "target", "cannot read \"" + t + "\", write \"app:port\", e.g. web:http");
      }
    }
    List<String> hosts = m.strings("hosts");
    String path = m.str("path");
    if (mode == Mode.TCP && hosts != null) {
      m.ctx().error(m.node("hosts"), "hosts", "hosts route http requests, set \"mode: http\" or remove hosts");
    }
    if (mode == Mode.TCP && path != null) {
      m.ctx().error(m.node("path"), "path", "path routes http requests, set \"mode: http\" or remove path");
    }
    List<Node> hostNodes = hosts == null ? List.of() : m.list("hosts");
    for (int i = 0; i < hostNodes.size(); i++) {
      if (hostNodes.get(i) instanceof ScalarNode h && !h.getValue().matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        m.ctx().error(h, "hosts[" + i + "]", "\"" + h.getValue() + "\" is not a lowercase host name, e.g. www.example.com or *.example.com");
      }
    }
    if (path != null && !path.startsWith("/")) {
      m.ctx().error(m.node("path"), "path", "\"" + path + "\" must start with /, e.g. /api");
    }
    String proxy = m.str("proxy-protocol");
    if (proxy != null) {
      if (mode != Mode.TCP) {
        m.ctx().error(m.node("proxy-protocol"), "proxy-protocol", "proxy-protocol is for tcp mode, http mode sends X-Forwarded-For instead");
      } else if (!proxy.equals("v1") && !proxy.equals("v2")) {
        m.ctx().error(m.node("proxy-protocol"), "proxy-protocol", "unknown proxy-protocol \"" + proxy + "\", use v1 or v2");
      }
    }
    return new ExposeSpec(name, listen, nodes, mode, target, hosts, normalise(path), TlsSpec.read(m), proxy);
  }

  // "/api/" and "/api" claim the same prefix
  private static String normalise(String path) {
    if (path == null) {
      return null;
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
