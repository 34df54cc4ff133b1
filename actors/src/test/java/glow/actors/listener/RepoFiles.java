package glow.actors.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes small config repos into a real folder and loads them the way the repo sync job does. */
public final class RepoFiles {
  private RepoFiles() {}

  /** Replaces the folder's content with {@code files} (repo path -> text) and loads it; it must be valid. */
  public static Snapshot load(Path repo, Map<String, String> files) throws IOException {
    return load(repo, files, null);
  }

  /** As {@link #load(Path, Map)}, loaded over {@code previous} (the snapshot in force, or null) as the repo sync job does. */
  public static Snapshot load(Path repo, Map<String, String> files, Snapshot previous) throws IOException {
    try (var old = Files.walk(repo)) {
      for (Path p : old.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(repo)) Files.delete(p);
    }
    for (var f : files.entrySet()) {
      Path p = repo.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Snapshot s = RepoLoader.load(RepoSource.directory(repo), previous);
    assertTrue(s.isValid(), s.problems().toString());
    return s;
  }

  /** apps/NAME.yaml with {@code provides: {PROVIDES}} and one {@code requires} item per string. */
  public static String app(String name, String provides, String... requires) {
    String req = requires.length == 0 ? "" : "requires:\n" + Arrays.stream(requires)
        .map(r -> "  - " + r + "\n").collect(Collectors.joining());
    return "image: " + name + "\nversion: 1.0.0\nprovides: {" + provides + "}\n" + req;
  }

  public static String deployment(String app, String node) {
    return "app: " + app + "\nnode: " + node + "\n";
  }
}
