package glow.actors.expose;

import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.TlsSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The http listeners one edge node should have for one snapshot: a pure function, no instances.
 * Exposes in http mode with the same listen address and the same TLS-or-not share one listener
 * (validation makes sure they do not claim the same host and path).
 */
public final class DesiredHttpListeners {
  private DesiredHttpListeners() {}

  /** By {@link HttpListenerSpec#key()}. An expose whose target nobody provides is left out and {@code warn} hears of it. */
  public static SortedMap<String, HttpListenerSpec> of(Snapshot snapshot, String node, Consumer<String> warn) {
    Map<String, List<ExposeSpec>> byListener = new TreeMap<>();
    Map<String, List<HttpRoute>> routes = new TreeMap<>();
    for (ExposeSpec e : snapshot.exposes().values()) {
      if (e.mode() != ExposeSpec.Mode.HTTP || !e.nodes().contains(node) || e.listen() == null) continue;
      Optional<ServiceKey> target = e.target() == null ? Optional.empty() : snapshot.resolve(e.target());
      if (target.isEmpty()) {
        warn.accept("node " + node + ": expose/" + e.name() + " targets " + e.target() + ", which nobody provides; not routing it");
        continue;
      }
      String key = new HttpListenerSpec(e.listen().host(), e.listen().port(), e.tls() != null,
          new HttpRoutes(List.of()), List.of(), List.of()).key();
      byListener.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      routes.computeIfAbsent(key, k -> new ArrayList<>()).add(new HttpRoute(e.name(), e.hosts(), e.path(), target.get()));
    }
    SortedMap<String, HttpListenerSpec> out = new TreeMap<>();
    byListener.forEach((key, exposes) -> {
      ExposeSpec first = exposes.get(0);
      Map<TlsSpec, List<String>> certs = new LinkedHashMap<>();
      for (ExposeSpec e : exposes) {
        if (e.tls() != null) certs.computeIfAbsent(e.tls(), t -> new ArrayList<>()).addAll(e.hosts());
      }
      out.put(key, new HttpListenerSpec(first.listen().host(), first.listen().port(), first.tls() != null,
          new HttpRoutes(routes.get(key)), new ArrayList<>(certs.keySet()),
          certs.values().stream().map(List::copyOf).toList()));
    });
    return out;
  }
}
