package glow.app.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** The real git config repository of {@link ThreeNodeClusterTest}, on branch main: write files, commit, get the commit id. */
final class ConfigRepo implements AutoCloseable {
  private final Path dir;
  private final Git git;

  ConfigRepo(Path dir) throws GitAPIException {
    this.dir = dir;
    this.git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
  }

  Path dir() {
    return dir;
  }

  ConfigRepo write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return this;
  }

  /** Commits every change of the work tree and returns the commit id, which the nodes show as the repo version. */
  String commit(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("test", "test@example.com")
        .setCommitter("test", "test@example.com").setSign(false).call().getName();
  }

  @Override
  public void close() {
    git.close();
  }
}
