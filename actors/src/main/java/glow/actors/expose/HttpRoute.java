package glow.actors.expose;

import glow.conf.snapshot.ServiceKey;
import java.util.List;

/**
 * One http-mode expose as its listener routes it: which hosts and path prefix reach which service;
 * one per http expose on this node.
 *
 * @param expose the expose file's name
 * @param hosts  lowercase host names, {@code *.example.com} for any sub-domain; empty = any host
 * @param path   the path prefix, {@code /} or without a trailing slash ({@code /api})
 * @param target the service requests go to
 */
public record HttpRoute(String expose, List<String> hosts, String path, ServiceKey target) {
  public HttpRoute {
    hosts = List.copyOf(hosts);
  }

  /** True when a request for {@code host} (lowercase, no port) may use this route. */
  boolean matchesHost(String host) {
    if (hosts.isEmpty()) return true;
    for (String h : hosts) {
      if (h.equals(host)) return true;
      if (h.startsWith("*.") && host.endsWith(h.substring(1)) && host.length() > h.length() - 1) return true;
    }
    return false;
  }

  /** True when {@code path} is this prefix or under it: {@code /api} takes /api and /api/x, not /apix. */
  boolean matchesPath(String requestPath) {
    if (path.equals("/")) return true;
    return requestPath.equals(path) || requestPath.startsWith(path + "/");
  }
}
