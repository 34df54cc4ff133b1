package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a snapshot from the files of one repo version against the previous snapshot, applying
 * the last-good rule; stateless.
 *
 * <p>The rule: a file that fails keeps its previous good version, a new file that fails is left
 * out, and either way its problems are reported. A file "fails" on its own problems (syntax,
 * keys, values) and on cross-file problems that land on it (a missing required service, a port
 * taken on its node). Cross-file checks run in rounds: after each round every changed file
 * with problems goes back to its last good version (or out), and the repo is checked again,
 * until a round reverts nothing. Each file can revert once, so the rounds are bounded by the
 * number of changed files, and in practice two or three.
 */
public final class LastGood {
  private LastGood() {}

  /**
   * @param files    repo path to text, as read from one version
   * @param previous the snapshot in force, or null on the first load
   */
  public static Snapshot resolve(String version, Map<String, String> files, Snapshot previous) {
    Map<String, Snapshot.AcceptedFile> before = previous == null ? Map.of() : previous.accepted().files();
    Set<Problem> problems = new TreeSet<>();
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    Set<String> broken = new HashSet<>();
    List<ParsedFile> partial = new ArrayList<>();
    for (ParsedFile p : FileParser.parseAll(files)) {
      Snapshot.AcceptedFile last = before.get(p.path());
      if (p.problems().isEmpty()) {
        boolean changed = last == null || !last.text().equals(p.text());
        candidates.put(p.path(), new Candidate(p.path(), p.kind(), p.text(), p.spec(), p.positions(), changed, false));
        continue;
      }
      problems.addAll(p.problems());
      if (p.spec() != null) {
        partial.add(p);
      }
      if (last != null) {
        candidates.put(p.path(), kept(p.path(), p.kind(), last));
      } else {
        broken.add(p.path());
      }
    }
    Set<String> configSources = new HashSet<>();
    Map<String, String> configs = new LinkedHashMap<>();
    files.forEach((path, text) -> {
      if (path.startsWith(Kind.CONFIG.folder)) {
        configSources.add(path);
        configs.put(path, text);
      }
    });

    Set<String> deleted = new HashSet<>();
    for (String path : before.keySet()) {
      if (!files.containsKey(path)) {
        deleted.add(path);
      }
    }

    RepoValidator.Result result;
    while (true) {
      result = RepoValidator.validateAll(candidates, configSources, broken, deleted);
      List<String> revert = new ArrayList<>();
      for (String path : result.errors().keySet()) {
        Candidate c = candidates.get(path);
        if ((c != null && c.changed()) || (c == null && deleted.contains(path))) {
          revert.add(path);
        }
      }
      if (revert.isEmpty()) {
        break;
      }
      for (String path : revert) {
        problems.addAll(result.errors().get(path));
        candidates.remove(path);
        deleted.remove(path);
        Snapshot.AcceptedFile last = before.get(path);
        if (last != null) {
          candidates.put(path, kept(path, Kind.of(path), last));
        } else {
          broken.add(path);
        }
      }
    }
    for (Map.Entry<String, List<Problem>> e : result.errors().entrySet()) {
      Candidate c = candidates.get(e.getKey());
      if (c == null) {
        problems.addAll(e.getValue());
        continue;
      }
      boolean current = files.containsKey(c.path()) && files.get(c.path()).equals(c.text());
      for (Problem p : e.getValue()) {
        // positions of a kept version point into text that is no longer in the repo
        problems.add(current ? p : new Problem(p.file(), 0, 0, p.path(), p.message() + " (in the last good version, still in use)"));
      }
    }
    problems.addAll(advise(candidates, partial, configSources, broken, deleted));
    Map<String, String> previousConfigs = previous == null ? Map.of() : previous.accepted().configs();
    return SnapshotBuilder.build(version, candidates, result, configs, previousConfigs, new ArrayList<>(problems));
  }

  /**
   * Checks files that failed on their own against the rest of the repo too, so that users see
   * every problem at once; their partly read specs take part in this pass only, and only their
   * own problems are kept from it.
   */
  private static List<Problem> advise(Map<String, Candidate> candidates, List<ParsedFile> partial,
                                      Set<String> configSources, Set<String> broken, Set<String> deleted) {
    if (partial.isEmpty()) {
      return List.of();
    }
    Map<String, Candidate> trial = new LinkedHashMap<>(candidates);
    for (ParsedFile p : partial) {
      trial.put(p.path(), new Candidate(p.path(), p.kind(), p.text(), p.spec(), p.positions(), true, false));
    }
    Map<String, List<Problem>> found = RepoValidator.validateAll(trial, configSources, broken, deleted).errors();
    List<Problem> out = new ArrayList<>();
    for (ParsedFile p : partial) {
      out.addAll(found.getOrDefault(p.path(), List.of()));
    }
    return out;
  }

  private static Candidate kept(String path, Kind kind, Snapshot.AcceptedFile last) {
    return new Candidate(path, kind, last.text(), last.spec(), last.positions(), false, true);
  }
}
