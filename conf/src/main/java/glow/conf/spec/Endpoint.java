package glow.conf.spec;

/** A host and port where something answers: one per external endpoint, one per expose listen address. */
public record Endpoint(String host, int port) {

  /** Parses {@code host:port} (IPv6 as {@code [::1]:80}); null when the text has another shape. */
  public static Endpoint parse(String s) {
    String t = s.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      return null;
    }
    String host = t.substring(0, colon);
    String port = t.substring(colon + 1);
    if (!port.matches("[0-9]{1,5}")) {
      return null;
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      return host.matches("[0-9a-fA-F:.]+") ? new Endpoint(host, p) : null;
    }
    return host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?") ? new Endpoint(host, p) : null;
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
