package glow.conf.repo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads one branch of a git repository at its commit, straight from the object database
 * (TreeWalk, no work tree, no checkout); stateless.
 */
final class GitReader {
  /** Seconds a fetch may stay silent before it fails. */
  private static final int FETCH_TIMEOUT_SECONDS = 30;

  private GitReader() {}

  static RepoTree read(RepoSource.Git source) throws RepoUnreadableException {
    if (isUrl(source.uriOrPath())) {
      try (Git git = fetchIntoCache(source)) {
        return readBranch(git.getRepository(), source);
      }
    }
    try (Git git = Git.open(new File(source.uriOrPath()))) {
      return readBranch(git.getRepository(), source);
    } catch (RepositoryNotFoundException e) {
      throw new RepoUnreadableException("not a git repository: " + source.uriOrPath(), e);
    } catch (IOException e) {
      throw new RepoUnreadableException("cannot open git repository " + source.uriOrPath() + ": " + e.getMessage(), e);
    }
  }

  static boolean isUrl(String s) {
    return s.contains("://") || s.matches("[\\w.-]+@[\\w.-]+:.*");
  }

  // A bare repo in the cache dir, fetched with an explicit refspec: the same code serves the first
  // clone and every later update, and a force-pushed branch simply replaces the cached ref.
  private static Git fetchIntoCache(RepoSource.Git source) throws RepoUnreadableException {
    File dir = source.cacheDir().toFile();
    Git git = null;
    try {
      if (Files.exists(source.cacheDir().resolve("HEAD"))) {
        git = Git.open(dir);
      } else {
        Files.createDirectories(source.cacheDir());
        git = Git.init().setBare(true).setDirectory(dir).call();
      }
      String ref = "refs/heads/" + source.branch();
      git.fetch().setRemote(source.uriOrPath()).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
          .setTimeout(FETCH_TIMEOUT_SECONDS).call();
      return git;
    } catch (GitAPIException | IOException | RuntimeException e) {
      if (git != null) {
        git.close();
      }
      throw new RepoUnreadableException("cannot fetch branch " + source.branch() + " from " + source.uriOrPath()
          + ": " + oneLine(e), e);
    }
  }

  private static RepoTree readBranch(Repository repo, RepoSource.Git source) throws RepoUnreadableException {
    try {
      ObjectId head = repo.resolve("refs/heads/" + source.branch());
      if (head == null) {
        throw new RepoUnreadableException("branch " + source.branch() + " not found in " + source.uriOrPath(), null);
      }
      Map<String, String> files = new HashMap<>();
      try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader();
           TreeWalk tree = new TreeWalk(reader)) {
        RevCommit commit = walk.parseCommit(head);
        tree.addTree(commit.getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          String path = tree.getPathString();
          FileMode mode = tree.getFileMode(0);
          boolean regular = mode.equals(FileMode.REGULAR_FILE) || mode.equals(FileMode.EXECUTABLE_FILE);
          if (regular && RepoTree.wanted(path)) {
            files.put(path, new String(reader.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
          }
        }
        return new RepoTree(commit.getName(), files);
      }
    } catch (IOException e) {
      throw new RepoUnreadableException("cannot read branch " + source.branch() + " of " + source.uriOrPath() + ": " + oneLine(e), e);
    }
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
      m += " (" + root.getMessage() + ")";
    }
    return m.replaceAll("\\s+", " ").trim();
  }
}
