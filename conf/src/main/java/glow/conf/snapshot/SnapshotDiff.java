package glow.conf.snapshot;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What changed between two snapshots, for the reconciler (which instances to start, stop, roll,
 * reload) and for people (the dashboard, {@code glow status}); one per pair of snapshots compared.
 *
 * <p>Instances are matched by {@link InstanceSpec#key()} ("app#n"), so a new version of an app is
 * a change of its instances, not a removal and an addition.
 */
public record SnapshotDiff(List<InstanceSpec> added, List<InstanceSpec> removed, List<InstanceChange> changed,
                           Named<ServiceKey> services, Named<String> exposes, Named<String> jobs) {

  /** What about one instance changed; the reconciler picks restart, roll or reload from it. */
  public enum Change {
    NODE, IMAGE, VERSION, COMMAND, ENV, PORTS, REQUIRES,
    /** The config file's text (only a reload or restart per on-change is needed). */
    CONFIG_CONTENT,
    /** The config file's path, source or on-change, or a config file added or removed. */
    CONFIG_FILE,
    HEALTH, LIMITS, ROLLOUT, TAGS
  }

  /** One instance present in both snapshots that differs. */
  public record InstanceChange(InstanceSpec before, InstanceSpec after, Set<Change> what) {
    public String key() {
      return after.key();
    }
  }

  /** Names added, removed and changed for one kind of thing, each sorted. */
  public record Named<K extends Comparable<K>>(List<K> added, List<K> removed, List<K> changed) {
    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
  }

  /** Compares two snapshots; {@code before} may be null (everything is added). */
  public static SnapshotDiff between(Snapshot before, Snapshot after) {
    Map<String, InstanceSpec> old = new java.util.HashMap<>();
    if (before != null) {
      before.instances().forEach(i -> old.put(i.key(), i));
    }
    List<InstanceSpec> added = new ArrayList<>();
    List<InstanceChange> changed = new ArrayList<>();
    for (InstanceSpec now : after.instances()) {
      InstanceSpec was = old.remove(now.key());
      if (was == null) {
        added.add(now);
      } else {
        Set<Change> what = changes(was, now);
        if (!what.isEmpty()) {
          changed.add(new InstanceChange(was, now, what));
        }
      }
    }
    List<InstanceSpec> removed = old.values().stream().sorted(java.util.Comparator.comparing(InstanceSpec::key)).toList();
    Snapshot b = before == null ? Snapshot.empty("none", List.of()) : before;
    return new SnapshotDiff(added, removed, changed,
        named(b.services(), after.services()), named(b.exposes(), after.exposes()), named(b.jobs(), after.jobs()));
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && services.isEmpty() && exposes.isEmpty() && jobs.isEmpty();
  }

  static Set<Change> changes(InstanceSpec a, InstanceSpec b) {
    Set<Change> out = EnumSet.noneOf(Change.class);
    check(out, Change.NODE, a, b, InstanceSpec::node);
    check(out, Change.IMAGE, a, b, i -> i.spec().image());
    check(out, Change.VERSION, a, b, i -> i.spec().version());
    check(out, Change.COMMAND, a, b, i -> i.spec().command());
    check(out, Change.ENV, a, b, i -> i.spec().env());
    check(out, Change.PORTS, a, b, InstanceSpec::ports);
    check(out, Change.REQUIRES, a, b, InstanceSpec::requires);
    check(out, Change.CONFIG_FILE, a, b, i -> i.config() == null ? null : List.of(i.config().path(), i.config().source(), i.config().onChange()));
    check(out, Change.CONFIG_CONTENT, a, b, i -> i.config() == null ? null : i.config().content());
    check(out, Change.HEALTH, a, b, InstanceSpec::health);
    check(out, Change.LIMITS, a, b, InstanceSpec::limits);
    check(out, Change.ROLLOUT, a, b, i -> i.spec().rollout());
    check(out, Change.TAGS, a, b, i -> i.spec().tags());
    return out;
  }

  private static void check(Set<Change> out, Change c, InstanceSpec a, InstanceSpec b, Function<InstanceSpec, Object> f) {
    if (!Objects.equals(f.apply(a), f.apply(b))) {
      out.add(c);
    }
  }

  private static <K extends Comparable<K>> Named<K> named(Map<K, ?> before, Map<K, ?> after) {
    TreeSet<K> added = new TreeSet<>();
    TreeSet<K> changed = new TreeSet<>();
    TreeSet<K> removed = new TreeSet<>(before.keySet());
    for (Map.Entry<K, ?> e : after.entrySet()) {
      if (!removed.remove(e.getKey())) {
        added.add(e.getKey());
      } else if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
        changed.add(e.getKey());
      }
    }
    return new Named<>(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
  }
}
