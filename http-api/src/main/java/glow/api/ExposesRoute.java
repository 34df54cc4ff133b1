package glow.api;

import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import glow.actors.cluster.Placement;
import glow.actors.expose.HttpExposes;
import glow.actors.expose.HttpListenerSpec;
import glow.actors.expose.HttpRoutes;
import glow.actors.listener.ListenerStatus;
import glow.actors.listener.Listeners;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.ExposeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/exposes}: every expose of the repo version in force, as written (listen, mode,
 * hosts and path, target, TLS) and, when this node is one of its edge nodes, what its listener here
 * is doing (bound or why not, the target's endpoints as the listener sees them, the metric tag its
 * traffic is counted under); one per API. Other edge nodes are asked through their own API.
 */
final class ExposesRoute extends AllDirectives {
  private final ApiContext c;

  ExposesRoute(ApiContext c) {
    this.c = c;
  }

  Route route() {
    return path("exposes", () -> get(this::exposes));
  }

  private Route exposes() {
    CompletionStage<Listeners.Listing> tcp = AskPattern.ask(c.services().listeners(), Listeners.GetListeners::new,
        c.settings().askTimeout(), c.system().scheduler());
    CompletionStage<HttpExposes.Status> http = AskPattern.ask(c.services().httpExposes(), HttpExposes.GetStatus::new,
        c.settings().askTimeout(), c.system().scheduler());
    return onSuccess(tcp.thenCombine(http, (t, h) -> view(c.services().current(), t, h)), out -> complete(Json.ok(out)));
  }

  private Map<String, Object> view(Snapshot s, Listeners.Listing tcp, HttpExposes.Status http) {
    List<Map<String, Object>> exposes = new ArrayList<>();
    if (s != null) {
      for (ExposeSpec e : new TreeMap<>(s.exposes()).values()) exposes.add(expose(s, e, tcp, http));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", c.node());
    out.put("version", s == null ? "none" : s.version());
    out.put("exposes", exposes);
    return out;
  }

  private Map<String, Object> expose(Snapshot s, ExposeSpec e, Listeners.Listing tcp, HttpExposes.Status http) {
    boolean isHttp = e.mode() == ExposeSpec.Mode.HTTP;
    Optional<ServiceKey> service = e.target() == null ? Optional.empty() : s.resolve(e.target());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("mode", e.mode().toString());
    m.put("listen", e.listen() == null ? null : e.listen().toString());
    m.put("nodes", e.nodes());
    Map<String, String> absent = new TreeMap<>();
    Placement placement = Placement.get(c.system());
    e.nodes().forEach(n -> placement.absence(n).ifPresent(why -> absent.put(n, why)));
    if (!absent.isEmpty()) m.put("absentNodes", absent);
    m.put("target", e.target() == null ? null : e.target().toString());
    m.put("service", service.map(ServiceKey::toString).orElse(null));
    if (isHttp) {
      m.put("hosts", e.hosts());
      m.put("path", e.path());
    }
    m.put("tls", e.tls() != null);
    if (e.tls() != null) m.put("tlsCert", e.tls().cert());
    if (e.proxyProtocol() != null) m.put("proxyProtocol", e.proxyProtocol());
    if (e.nodes().contains(c.node()) && e.listen() != null) {
      m.put("here", isHttp ? httpHere(e, service, http) : tcpHere(e, service, tcp));
    }
    return m;
  }

  /** A tcp expose is one more listener of the node's Listeners, needed by {@code expose/NAME}. */
  private static Map<String, Object> tcpHere(ExposeSpec e, Optional<ServiceKey> service, Listeners.Listing tcp) {
    Map<String, Object> h = new LinkedHashMap<>();
    Optional<ListenerStatus> l = tcp.listeners().stream().filter(x -> x.neededBy().contains("expose/" + e.name())).findFirst();
    if (l.isEmpty()) {
      h.put("state", "not-listening");
      h.put("error", service.isEmpty() ? "nobody provides " + e.target() + ": fix the target or the app's provides and commit"
          : "port " + e.listen().port() + " is taken by another listener of this node");
      return h;
    }
    ListenerStatus x = l.get();
    h.put("listener", x.name());
    h.put("state", x.state());
    h.put("boundAddress", x.boundAddress());
    h.put("error", x.error());
    h.put("activeConnections", x.activeConnections());
    h.put("endpoints", x.endpoints());
    // glow_proxy_*{listener="0.0.0.0:9443"}
    h.put("metrics", metrics("glow_proxy_connections_opened_total", x.name(), null));
    return h;
  }

  /** An http expose is one route of the node's http listener for its address (shared by the exposes on it). */
  private static Map<String, Object> httpHere(ExposeSpec e, Optional<ServiceKey> service, HttpExposes.Status http) {
    Map<String, Object> h = new LinkedHashMap<>();
    String key = new HttpListenerSpec(e.listen().host(), e.listen().port(), e.tls() != null, new HttpRoutes(List.of()),
        List.of(), List.of()).key();
    HttpExposes.ListenerState l = http.listeners().get(key);
    if (l == null || service.isEmpty()) {
      h.put("state", "not-listening");
      h.put("error", service.isEmpty() ? "nobody provides " + e.target() + ": fix the target or the app's provides and commit"
          : "the http listener " + key + " is not started yet");
      return h;
    }
    h.put("listener", key);
    h.put("state", l.boundAddress() != null ? ListenerStatus.BOUND : l.error() != null ? ListenerStatus.BIND_FAILED
        : ListenerStatus.BINDING);
    h.put("boundAddress", l.boundAddress());
    h.put("error", l.error());
    h.put("endpoints", http.endpoints().getOrDefault(service.get().toString(), List.of()));
    // glow_expose_requests_total{listener="http 127.0.0.1:8080",expose="NAME"}
    h.put("metrics", metrics("glow_expose_requests_total", key, e.name()));
    return h;
  }

  /** Where /metrics counts the expose's traffic: a series and the tags that select it. */
  private static Map<String, String> metrics(String series, String listener, String expose) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("series", series);
    m.put("listener", listener);
    if (expose != null) m.put("expose", expose);
    return m;
  }
}
