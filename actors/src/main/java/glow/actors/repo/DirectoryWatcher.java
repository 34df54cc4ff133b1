package glow.actors.repo;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one config-repo directory tree (one per node that syncs a plain directory) and calls
 * back once a burst of changes has settled, so that an editor's save (often several events:
 * temp file, rename, attribute change) becomes one sync. Subdirectories created later are watched
 * too. `.git` is skipped: a git repo is followed by commits, not by its work tree.
 */
public final class DirectoryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);

  private final Path root;
  private final Duration settle;
  private final Runnable onChange;
  private final WatchService watcher;
  private final Thread thread;

  /**
   * Starts watching. {@code settle} is how long the tree must stay quiet after a change before
   * {@code onChange} runs (on the watcher's own thread; keep it short: send a message).
   */
  public static DirectoryWatcher start(Path root, Duration settle, Runnable onChange) throws IOException {
    return new DirectoryWatcher(root, settle, onChange);
  }

  private DirectoryWatcher(Path root, Duration settle, Runnable onChange) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.settle = settle;
    this.onChange = onChange;
    this.watcher = FileSystems.getDefault().newWatchService();
    registerTree(this.root);
    this.thread = new Thread(this::loop, "glow-repo-watcher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void registerTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (d.getFileName() != null && d.getFileName().toString().equals(".git")) return FileVisitResult.SKIP_SUBTREE;
        d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        boolean changed = drain(key);
        // Settle: keep absorbing events until the tree has been quiet for `settle`.
        WatchKey next;
        while ((next = watcher.poll(settle.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          changed |= drain(next);
        }
        if (changed) {
          try {
            onChange.run();
          } catch (RuntimeException e) {
            log.warn("repo change callback failed for {}", root, e);
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed: the node is stopping
    }
  }

  /** Handles one key's events: new directories get watched; returns whether anything counted as a change. */
  private boolean drain(WatchKey key) {
    boolean changed = false;
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        changed = true; // events were lost: a full reload is the safe answer
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      if (child.getFileName().toString().equals(".git")) continue;
      changed = true;
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child)) {
        try {
          registerTree(child);
        } catch (IOException e) {
          log.warn("cannot watch new directory {}: {}", child, e.getMessage());
        }
      }
    }
    key.reset();
    return changed;
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing watcher of {}", root, e);
    }
    thread.interrupt();
  }
}
