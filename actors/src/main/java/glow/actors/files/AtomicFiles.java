package glow.actors.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Replaces files so that a reader sees either the old or the new content, never a mix, and the
 * new content survives a crash once this returns; stateless.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes content to target through a temporary file in the same directory (rename is atomic only
   * within one file system): write, fsync the file, rename over target, fsync the directory so the
   * rename itself is durable. Creates missing parent directories.
   *
   * @return false when target already held exactly this content (it is then left untouched, so its
   *     mtime and any reader's view stay as they were)
   */
  public static boolean write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    if (Files.isRegularFile(target) && Files.size(target) == content.length
        && Arrays.equals(Files.readAllBytes(target), content)) {
      return false;
    }
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      // temp files are born rw-------: keep the replaced file's mode, or make a new one readable
      // by all, since the app may run as another user than the node
      Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
          : PosixFilePermissions.fromString("rw-r--r--"));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    fsyncDirectory(dir);
    return true;
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    // Linux allows fsync on a directory opened read-only; it makes the rename durable
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
