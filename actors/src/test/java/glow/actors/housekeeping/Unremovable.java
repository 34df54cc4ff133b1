package glow.actors.housekeeping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes one real file impossible to delete, and possible again: {@code chattr +i} when the tests
 * run as root (root ignores permissions), else a read-only parent directory; one per use.
 */
final class Unremovable {
  private final Path file;
  private final boolean immutable;

  private Unremovable(Path file, boolean immutable) {
    this.file = file;
    this.immutable = immutable;
  }

  static Unremovable make(Path file) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Assumptions.assumeTrue(run("chattr", "+i", file.toString()) == 0,
          "chattr +i failed (no such tool, or a file system without the immutable flag)");
    } else {
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    return new Unremovable(file, root);
  }

  /** Undoes it wherever the file is now (its directory may have been renamed): finds it by name. */
  void release() throws Exception {
    Path base = file.getParent().getParent().getParent(); // the cache dir: the version dir may have moved
    try (var all = Files.walk(base)) {
      for (Path p : all.filter(p -> p.getFileName().equals(file.getFileName())).toList()) {
        if (immutable) {
          run("chattr", "-i", p.toString());
        } else {
          Files.setPosixFilePermissions(p.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
