package glow.conf;

import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A config repo in a real temp folder that tests write files into; one per test. */
public final class TestRepo {
  public final Path dir;

  public TestRepo(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code text} to repo path {@code path}, creating folders. */
  public TestRepo put(String path, String text) {
    try {
      Path p = dir.resolve(path);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TestRepo delete(String path) {
    try {
      Files.delete(dir.resolve(path));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Snapshot load(Snapshot previous) {
    return RepoLoader.load(RepoSource.directory(dir), previous);
  }

  /** Problems as the lines users read. */
  public static java.util.List<String> lines(Snapshot s) {
    return s.problems().stream().map(Problem::toString).toList();
  }
}
