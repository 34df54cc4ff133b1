package glow.actors.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** A real git repository in a temp dir for tests: write or delete files, commit, read the commit id. */
public final class GitRepo implements AutoCloseable {
  private final Path dir;
  private final Git git;

  private GitRepo(Path dir, Git git) {
    this.dir = dir;
    this.git = git;
  }

  /** A new repository on branch main in {@code dir}. */
  public static GitRepo init(Path dir) throws GitAPIException {
    return new GitRepo(dir, Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call());
  }

  public Path dir() {
    return dir;
  }

  public GitRepo write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return this;
  }

  public GitRepo delete(String path) throws IOException {
    Files.deleteIfExists(dir.resolve(path));
    return this;
  }

  /** Commits every change of the work tree (adds and deletes) and returns the commit id. */
  public String commit(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor("test", "test@example.com")
        .setCommitter("test", "test@example.com").setSign(false).call().getName();
  }

  @Override
  public void close() {
    git.close();
  }
}
