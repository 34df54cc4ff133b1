package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * One named port an app or external provides ({@code http: 8080}, {@code stats: 8125/udp}); one
 * per entry of {@code provides}.
 *
 * @param port as declared in the repo (a deployment's port-offset is added per instance)
 */
public record PortSpec(String name, int port, Protocol protocol) {
  private static final Pattern VALUE = Pattern.compile("([0-9]{1,9})(?:/(\\w+))?");

  public PortSpec {
    protocol = protocol == null ? Protocol.TCP : protocol;
  }

  /** Reads a {@code provides} mapping, in file order; bad entries are reported and left out. */
  static Map<String, PortSpec> readAll(YMap parent, String key) {
    Map<String, PortSpec> out = new LinkedHashMap<>();
    YMap m = parent.map(key);
    if (m == null) {
      return out;
    }
    Map<String, String> seen = new LinkedHashMap<>(); // "8080/tcp" -> name
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String name = e.getKey();
      String path = m.child(name);
      Node valueNode = e.getValue().getValueNode();
      m.ctx().mark(path, valueNode);
      if (!Values.isLabel(name) || name.matches("[0-9]+")) {
        m.ctx().error(e.getValue().getKeyNode(), path, "port name \"" + name + "\" must be " + Values.LABEL_RULE + " and not only digits");
        continue;
      }
      String text = m.text(valueNode, path);
      if (text == null) {
        continue;
      }
      Matcher x = VALUE.matcher(text.trim());
      if (!x.matches()) {
        m.ctx().error(valueNode, path, "expected PORT or PORT/tcp or PORT/udp, found \"" + text + "\"");
        continue;
      }
      Protocol protocol = Protocol.TCP;
      if (x.group(2) != null) {
        if (!x.group(2).equals("tcp") && !x.group(2).equals("udp")) {
          m.ctx().error(valueNode, path, "unknown protocol \"" + x.group(2) + "\", use tcp or udp");
          continue;
        }
        protocol = x.group(2).equals("udp") ? Protocol.UDP : Protocol.TCP;
      }
      int port = Integer.parseInt(x.group(1));
      if (port < 1 || port > 65535) {
        m.ctx().error(valueNode, path, "port " + port + " is out of range, use 1-65535");
        continue;
      }
      String before = seen.putIfAbsent(port + "/" + protocol, name);
      if (before != null) {
        m.ctx().error(valueNode, path, "port " + port + "/" + protocol + " is already provided as \"" + before + "\"");
        continue;
      }
      out.put(name, new PortSpec(name, port, protocol));
    }
    return out;
  }

  /** Finds a port by name or by number ("http" or "8080"); null when there is none. */
  public static PortSpec find(Map<String, PortSpec> ports, String nameOrNumber) {
    PortSpec byName = ports.get(nameOrNumber);
    if (byName != null) {
      return byName;
    }
    for (PortSpec p : ports.values()) {
      if (String.valueOf(p.port()).equals(nameOrNumber) && p.protocol() == Protocol.TCP) {
        return p;
      }
    }
    for (PortSpec p : ports.values()) {
      if (String.valueOf(p.port()).equals(nameOrNumber)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return protocol == Protocol.TCP ? String.valueOf(port) : port + "/" + protocol;
  }
}
