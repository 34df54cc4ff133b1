package glow.actors.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DirectoryWatcherTest {
  @TempDir Path repo;

  @Test
  void reportsAnEditedFileOnceAfterTheBurstSettles() throws Exception {
    Files.createDirectories(repo.resolve("configs"));
    Files.writeString(repo.resolve("configs/a.properties"), "x=1\n");
    Semaphore changes = new Semaphore(0);
    try (DirectoryWatcher w = DirectoryWatcher.start(repo, Duration.ofMillis(200), changes::release)) {
      for (int i = 0; i < 5; i++) Files.writeString(repo.resolve("configs/a.properties"), "x=" + i + "\n");
      assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "a change was reported");
      // the five writes were one burst: no second report follows
      assertEquals(false, changes.tryAcquire(700, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void watchesDirectoriesCreatedAfterStart() throws Exception {
    Semaphore changes = new Semaphore(0);
    try (DirectoryWatcher w = DirectoryWatcher.start(repo, Duration.ofMillis(100), changes::release)) {
      Files.createDirectories(repo.resolve("apps"));
      assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "the new directory is a change");
      Files.writeString(repo.resolve("apps/web.yaml"), "image: web\n");
      assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "a file in the new directory is a change");
    }
  }

  @Test
  void ignoresTheGitDirectory() throws Exception {
    Files.createDirectories(repo.resolve(".git/objects"));
    Semaphore changes = new Semaphore(0);
    try (DirectoryWatcher w = DirectoryWatcher.start(repo, Duration.ofMillis(100), changes::release)) {
      Files.writeString(repo.resolve(".git/objects/x"), "blob");
      Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
      assertEquals(false, changes.tryAcquire(1, TimeUnit.SECONDS));
    }
  }
}
