package glow.actors.listener;

import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceEntry;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.Protocol;
import glow.proxy.UpstreamSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The listeners one node should have for one snapshot: a pure function, no instances. One listener
 * per local port, shared by every instance on the node that requires it, plus one public listener
 * per tcp-mode expose that names this node (needed by {@code expose/NAME}).
 */
public final class DesiredListeners {
  private DesiredListeners() {}

  /** One wanted listener and the instance ids that need it (sorted; for messages and the API). */
  public record Desired(ListenerSpec spec, List<String> neededBy) {}

  /**
   * The listeners the instances and job runs of {@code node} require, by local port. Validation allows two
   * instances on a node to share a port only with the same mapping; should two still differ, the
   * first instance (by key) wins and {@code warn} hears of the other.
   */
  public static SortedMap<Integer, Desired> of(Snapshot snapshot, String node, UpstreamSettings base,
                                               Consumer<String> warn) {
    SortedMap<Integer, ListenerSpec> specs = new TreeMap<>();
    SortedMap<Integer, List<String>> users = new TreeMap<>();
    // job runs of this node count as users from the start: a listener is open before a run needs it
    List<InstanceSpec> needing = new ArrayList<>(snapshot.instancesOn(node));
    snapshot.jobRuns().values().stream().filter(j -> j.node().equals(node)).forEach(needing::add);
    for (InstanceSpec i : needing) {
      for (ResolvedRequire r : i.requires()) {
        ServiceEntry entry = snapshot.services().get(r.service());
        Protocol protocol = entry == null ? Protocol.TCP : entry.protocol();
        ListenerSpec spec = ListenerSpec.of(r, protocol, base);
        ListenerSpec before = specs.putIfAbsent(r.local(), spec);
        if (before != null && !before.equals(spec)) {
          warn.accept("node " + node + ": local port " + r.local() + " of " + i.id() + " wants " + spec
              + " but " + users.get(r.local()) + " already use it for " + before + "; keeping the first");
          continue;
        }
        users.computeIfAbsent(r.local(), p -> new ArrayList<>()).add(i.id());
      }
    }
    for (ExposeSpec e : snapshot.exposes().values()) {
      if (e.mode() != ExposeSpec.Mode.TCP || !e.nodes().contains(node) || e.listen() == null) continue;
      String user = "expose/" + e.name();
      Optional<ServiceKey> target = e.target() == null ? Optional.empty() : snapshot.resolve(e.target());
      if (target.isEmpty()) { // validation reports it; the listener waits for a repo that names a real port
        warn.accept("node " + node + ": " + user + " targets " + e.target() + ", which nobody provides; not listening on "
            + e.listen());
        continue;
      }
      ListenerSpec spec = ListenerSpec.ofExpose(e, target.get(), base);
      ListenerSpec before = specs.putIfAbsent(spec.port(), spec);
      if (before != null) { // validation forbids two claims of one port on a node
        warn.accept("node " + node + ": " + user + " wants port " + spec.port() + " but " + users.get(spec.port())
            + " already use it for " + before + "; keeping the first");
        continue;
      }
      users.computeIfAbsent(spec.port(), p -> new ArrayList<>()).add(user);
    }
    SortedMap<Integer, Desired> out = new TreeMap<>();
    specs.forEach((port, spec) -> {
      List<String> ids = new ArrayList<>(users.get(port));
      Collections.sort(ids);
      out.put(port, new Desired(spec, List.copyOf(ids)));
    });
    return out;
  }
}
