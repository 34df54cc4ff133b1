package glow.conf.repo;

import glow.conf.Problem;
import glow.conf.snapshot.Snapshot;
import glow.conf.validate.LastGood;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the config repository and turns it into a validated {@link Snapshot}; stateless, safe
 * to call from any thread. Never throws for bad content or an unreachable repo: problems are in
 * the snapshot.
 *
 * <pre>{@code
 * Snapshot s = RepoLoader.load(RepoSource.git("https://git.example.com/ops/glow.git", "main", cache), previous);
 * s.problems().forEach(System.out::println);
 * }</pre>
 */
public final class RepoLoader {
  private RepoLoader() {}

  /**
   * Loads the current version of {@code source}.
   *
   * @param previousOrNull the snapshot in force; files that fail keep their version from it, and
   *                       it is returned whole (with the error added) when the repo cannot be read
   */
  public static Snapshot load(RepoSource source, Snapshot previousOrNull) {
    RepoTree tree;
    try {
      tree = source.read();
    } catch (RepoUnreadableException e) {
      Problem p = Problem.of(source.describe(), e.getMessage()
          + (previousOrNull == null ? ", nothing loaded" : ", keeping version " + previousOrNull.version()));
      if (previousOrNull == null) {
        return Snapshot.empty("none", List.of(p));
      }
      List<Problem> problems = new ArrayList<>(previousOrNull.problems());
      problems.removeIf(old -> old.file().equals(source.describe()) && old.line() == 0);
      problems.add(p);
      return previousOrNull.withProblems(problems);
    }
    return load(tree, previousOrNull);
  }

  /** Validates an already read tree (tests, benchmarks, and {@code glow validate} of a directory). */
  public static Snapshot load(RepoTree tree, Snapshot previousOrNull) {
    return LastGood.resolve(tree.version(), tree.files(), previousOrNull);
  }
}
