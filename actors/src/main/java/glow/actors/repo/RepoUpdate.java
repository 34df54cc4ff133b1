package glow.actors.repo;

import glow.actors.CborSerializable;
import glow.conf.Problem;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoTree;
import glow.conf.snapshot.Snapshot;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One repo version as it travels from the sync singleton to every node: plain data, not the spec
 * object graph; one per loaded version (republished unchanged until the next).
 *
 * <p>{@code files} are the file texts in force (what {@link Snapshot#accepted()} holds: the last
 * good version of every file, plus the config sources the apps use). Every node rebuilds the same
 * snapshot from them with {@link #toSnapshot()}: the texts are all valid, so the rebuild adds no
 * problem of its own, and the problems found by the singleton (which saw the bad files) ride along.
 *
 * @param version commit id or {@code dir-<hash>}
 * @param files repo path to text, sorted
 * @param problems what is wrong with the repo now, sorted; empty when it is valid
 */
public record RepoUpdate(String version, Map<String, String> files, List<Problem> problems) implements CborSerializable {
  /** Name of the pub-sub topic that carries updates (one topic actor per node). */
  public static final String TOPIC = "glow-repo-updates";

  public RepoUpdate {
    files = Collections.unmodifiableMap(new TreeMap<>(files));
    problems = List.copyOf(problems);
  }

  /** The update that lets another node rebuild {@code snapshot}. */
  public static RepoUpdate of(Snapshot snapshot) {
    Map<String, String> files = new TreeMap<>();
    snapshot.accepted().files().forEach((path, file) -> files.put(path, file.text()));
    files.putAll(snapshot.accepted().configs());
    return new RepoUpdate(snapshot.version(), files, snapshot.problems());
  }

  /** Rebuilds the snapshot the singleton loaded (same instances, services and problems). */
  public Snapshot toSnapshot() {
    Snapshot rebuilt = RepoLoader.load(new RepoTree(version, files), null);
    return rebuilt.withProblems(problems);
  }

  /** Same version and same problems: nothing new for a node. */
  public boolean sameAs(RepoUpdate other) {
    return other != null && version.equals(other.version) && problems.equals(other.problems);
  }
}
