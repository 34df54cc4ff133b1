package glow.actors.expose;

import java.util.List;
import java.util.Locale;

/**
 * The routes of one http listener, immutable; one per listener per snapshot, read by every request.
 * A request goes to the route with the longest matching path prefix; between equal prefixes, a
 * route that names the host exactly wins over a {@code *.} wildcard, which wins over any host.
 */
public record HttpRoutes(List<HttpRoute> routes) {
  public HttpRoutes {
    routes = List.copyOf(routes);
  }

  /** The route for a request, or null when none matches. {@code hostHeader} may carry a port. */
  public HttpRoute choose(String hostHeader, String path) {
    String host = hostOnly(hostHeader);
    HttpRoute best = null;
    for (HttpRoute r : routes) {
      if (!r.matchesHost(host) || !r.matchesPath(path)) continue;
      if (best == null || better(r, best, host)) best = r;
    }
    return best;
  }

  private static boolean better(HttpRoute r, HttpRoute best, String host) {
    int a = r.path().equals("/") ? 0 : r.path().length();
    int b = best.path().equals("/") ? 0 : best.path().length();
    if (a != b) return a > b;
    return rank(r, host) > rank(best, host);
  }

  /** 2: names the host; 1: a wildcard covers it; 0: any host. */
  private static int rank(HttpRoute r, String host) {
    if (r.hosts().isEmpty()) return 0;
    return r.hosts().contains(host) ? 2 : 1;
  }

  /** {@code Example.com:8443} to {@code example.com}; {@code [::1]:80} to {@code ::1}. */
  static String hostOnly(String hostHeader) {
    if (hostHeader == null) return "";
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
