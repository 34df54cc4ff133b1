package glow.conf.repo;

import java.nio.file.Path;

/**
 * Where the config repository is read from; a value, one per configured repo.
 *
 * <ul>
 *   <li>{@link #directory(Path)}: a plain folder, read as it is on disk (also a git work tree's
 *       uncommitted state, as {@code glow validate} wants it);
 *   <li>{@link #git(String, String, Path)}: a branch of a git repository, read at its commit
 *       without a work tree. A local path is read in place; a URL is cloned/fetched bare into the cache dir.
 * </ul>
 */
public sealed interface RepoSource {

  /** Reads every wanted file of the current version. */
  RepoTree read() throws RepoUnreadableException;

  /** What users see in errors about the repo as a whole. */
  String describe();

  static RepoSource directory(Path dir) {
    return new Directory(dir);
  }

  /**
   * @param uriOrPath a URL (https://, ssh://, git@host:..., file://) or a local repository path
   * @param branch    e.g. main
   * @param cacheDir  where a URL is cloned bare (created if needed; unused for a local path)
   */
  static RepoSource git(String uriOrPath, String branch, Path cacheDir) {
    return new Git(uriOrPath, branch, cacheDir);
  }

  /** A plain folder. */
  record Directory(Path dir) implements RepoSource {
    @Override
    public RepoTree read() throws RepoUnreadableException {
      return DirectoryReader.read(dir);
    }

    @Override
    public String describe() {
      return dir.toString();
    }
  }

  /** A branch of a git repository. */
  record Git(String uriOrPath, String branch, Path cacheDir) implements RepoSource {
    @Override
    public RepoTree read() throws RepoUnreadableException {
      return GitReader.read(this);
    }

    @Override
    public String describe() {
      return uriOrPath + "#" + branch;
    }
  }
}
