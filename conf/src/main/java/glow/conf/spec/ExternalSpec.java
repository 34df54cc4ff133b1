package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A system outside Glow that apps require exactly like an app, read from
 * {@code externals/NAME.yaml}; one per external file.
 *
 * <p>Each endpoint serves the provided port with the same number: {@code endpoints:
 * [db1:5432]} with {@code provides: {pg: 5432}} puts db1:5432 behind {@code NAME:5432} and
 * {@code NAME:pg}.
 */
public record ExternalSpec(String name, List<Endpoint> endpoints, Map<String, PortSpec> provides) {
  public ExternalSpec {
    endpoints = List.copyOf(endpoints);
    provides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provides));
  }

  /** The endpoints serving one provided port. */
  public List<Endpoint> endpointsOf(PortSpec port) {
    return endpoints.stream().filter(e -> e.port() == port.port()).toList();
  }

  public static ExternalSpec read(YMap m, String name) {
    m.only("endpoints", "provides");
    List<Endpoint> endpoints = new ArrayList<>();
    List<Node> at = new ArrayList<>(); // the node of each endpoint, for messages
    List<Node> items = m.list("endpoints");
    if (!m.has("endpoints")) {
      m.ctx().error(m.node(), "endpoints", "missing, add e.g. \"endpoints: [db1.internal:5432]\"");
    } else if (items != null && items.isEmpty()) {
      m.ctx().error(m.node("endpoints"), "endpoints", "empty, add e.g. \"endpoints: [db1.internal:5432]\"");
    } else if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        String path = "endpoints[" + i + "]";
        String s = m.text(items.get(i), path);
        if (s == null) {
          continue;
        }
        Endpoint e = Endpoint.parse(s);
        if (e == null) {
          m.ctx().error(items.get(i), path, "cannot read \"" + s + "\", write host:port, e.g. db1.internal:5432");
          continue;
        }
        endpoints.add(e);
        at.add(items.get(i));
      }
    }
    if (!m.has("provides")) {
      m.ctx().error(m.node(), "provides", "missing, add the ports consumers require, e.g. \"provides: {pg: 5432}\"");
    }
    Map<String, PortSpec> provides = PortSpec.readAll(m, "provides");
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (provides.values().stream().noneMatch(p -> p.port() == e.port())) {
        m.ctx().error(at.get(i), "endpoints[" + items.indexOf(at.get(i)) + "]", "port " + e.port() + " of " + e + " is not provided, add it under provides");
      }
    }
    for (PortSpec p : provides.values()) {
      if (endpoints.stream().noneMatch(e -> e.port() == p.port())) {
        m.ctx().error(m.node("provides"), "provides." + p.name(),
            "no endpoint serves port " + p.port() + ", add one like HOST:" + p.port() + " under endpoints");
      }
    }
    return new ExternalSpec(name, endpoints, provides);
  }
}
