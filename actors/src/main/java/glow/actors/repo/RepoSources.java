package glow.actors.repo;

import glow.conf.repo.RepoSource;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the node setting {@code glow.node.repo} into a {@link RepoSource}; stateless. */
public final class RepoSources {
  private RepoSources() {}

  /**
   * A git URL is fetched into {@code <dataDir>/repo-cache}; a local git repository (a work tree
   * with {@code .git}, or a bare repository) is read at the tip of {@code branch}, so only
   * commits count; any other local directory is read as it is on disk (the {@code glow dev} case:
   * edit a file, see it run).
   */
  public static RepoSource of(String repo, String branch, Path dataDir) {
    if (isUrl(repo)) return RepoSource.git(repo, branch, dataDir.resolve("repo-cache"));
    Path dir = Path.of(repo).toAbsolutePath().normalize();
    if (isGitRepository(dir)) return RepoSource.git(dir.toString(), branch, dataDir.resolve("repo-cache"));
    return RepoSource.directory(dir);
  }

  static boolean isUrl(String s) {
    return s.contains("://") || s.matches("[\\w.-]+@[\\w.-]+:.*");
  }

  static boolean isGitRepository(Path dir) {
    return Files.exists(dir.resolve(".git"))
        || (Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects")));
  }
}
