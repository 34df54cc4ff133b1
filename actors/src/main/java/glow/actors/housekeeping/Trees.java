package glow.actors.housekeeping;

import glow.actors.housekeeping.DataDirSweep.Failure;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;

/** Deletes file trees without following links, counting bytes and collecting failures; stateless. */
final class Trees {
  private Trees() {}

  /**
   * Deletes {@code root} (a file, a link or a directory tree) bottom-up; symbolic links are deleted,
   * never followed, so a link to elsewhere cannot make housekeeping delete outside the data dir.
   * A file that cannot be deleted is added to {@code failures} and the rest is still deleted (its
   * directories then stay, not empty).
   *
   * @return bytes of the regular files deleted
   */
  static long delete(Path root, List<Failure> failures) {
    long[] freed = {0};
    int before = failures.size();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          long size = attrs.isRegularFile() ? attrs.size() : 0;
          if (deleteOne(file, failures)) freed[0] += size;
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (!(e instanceof NoSuchFileException)) failures.add(new Failure(file, describe(e)));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          if (e != null) {
            failures.add(new Failure(dir, describe(e)));
          } else {
            try {
              Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException notEmpty) {
              // something below could not be deleted and is already a failure; anything else is new
              if (failures.size() == before) failures.add(new Failure(dir, describe(notEmpty)));
            } catch (IOException other) {
              failures.add(new Failure(dir, describe(other)));
            }
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      failures.add(new Failure(root, describe(e)));
    }
    return freed[0];
  }

  /**
   * The latest modification time of {@code path} itself and, for a directory, of its direct
   * entries; null when it is gone. Not recursive: a big tree costs one directory listing.
   */
  static Instant lastModified(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
    Instant latest = Files.getLastModifiedTime(path, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var entries = Files.list(path)) {
        for (Path p : (Iterable<Path>) entries::iterator) {
          Instant t = Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
          if (t.isAfter(latest)) latest = t;
        }
      }
    }
    return latest;
  }

  private static boolean deleteOne(Path p, List<Failure> failures) {
    try {
      Files.deleteIfExists(p);
      return true;
    } catch (IOException e) {
      failures.add(new Failure(p, describe(e)));
      return false;
    }
  }

  static String describe(IOException e) {
    String kind = e.getClass().getSimpleName();
    return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
  }
}
