package glow.proxy;

import java.util.Objects;

/**
 * One place an upstream can be reached: host and port of a running instance or external, plus a free
 * {@code node} label (the Glow node it runs on, or "" when unknown) used only for metrics and display.
 * Immutable; two endpoints are equal when host, port and node are.
 */
public record Endpoint(String host, int port, String node) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
    node = node == null ? "" : node;
    if (host.isBlank()) throw new IllegalArgumentException("endpoint host is empty");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("endpoint port " + port + " is outside 1..65535");
  }

  public Endpoint(String host, int port) {
    this(host, port, "");
  }

  /**
   * Parses {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}); the error says what was wrong and what to write.
   */
  public static Endpoint parse(String hostPort) {
    String s = hostPort == null ? "" : hostPort.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("\"" + s + "\" is not HOST:PORT (write e.g. 127.0.0.1:8080)");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + s + "\": port \"" + s.substring(colon + 1) + "\" is not a number (write e.g. 127.0.0.1:8080)");
    }
    if (port < 1 || port > 65535) throw new IllegalArgumentException("\"" + s + "\": port " + port + " is outside 1..65535");
    return new Endpoint(host, port);
  }

  /** {@code host:port}, the form used in metric tags and logs. */
  @Override public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
