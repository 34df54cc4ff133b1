package glow.actors.artifact;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Unpacks one archive into a directory, keeping unix modes and refusing paths that escape it; stateless. */
final class Unpacker {
  /** An entry that would land outside the target directory; the message names it. */
  static final class EscapeException extends IOException {
    EscapeException(String entry) {
      super("entry " + entry + " points outside the artifact directory");
    }
  }

  private Unpacker() {}

  static void tarGz(Path archive, Path into) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = inside(into, e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          symlink(into, target, e.getName(), e.getLinkName());
        } else if (e.isFile() && !e.isLink()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, permissions(e.getMode()));
        } else {
          throw new IOException("entry " + e.getName() + " is a hard link or special file, which artifacts may not hold");
        }
      }
    }
  }

  static void zip(Path archive, Path into) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry e = entries.nextElement();
        Path target = inside(into, e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isUnixSymlink()) {
          symlink(into, target, e.getName(), zip.getUnixSymlink(e));
        } else {
          Files.createDirectories(target.getParent());
          try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
          // zips made without unix attributes report mode 0: give them rw-r--r--
          int mode = e.getUnixMode() & 0777;
          Files.setPosixFilePermissions(target, permissions(mode == 0 ? 0644 : mode));
        }
      }
    }
  }

  /** Resolves an entry name below root, refusing absolute names and any ../ that climbs out. */
  static Path inside(Path root, String name) throws EscapeException {
    Path target = root.resolve(name).normalize();
    if (name.startsWith("/") || !target.startsWith(root.normalize())) throw new EscapeException(name);
    return target;
  }

  private static void symlink(Path root, Path link, String name, String linkTarget) throws IOException {
    Path resolved = link.getParent().resolve(linkTarget).normalize();
    if (Path.of(linkTarget).isAbsolute() || !resolved.startsWith(root.normalize())) throw new EscapeException(name + " -> " + linkTarget);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of(linkTarget));
  }

  /** Unix mode bits (only rwx for user, group, others) as NIO permissions; the owner can always read. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.of(PosixFilePermission.OWNER_READ);
    PosixFilePermission[] order = {
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
    };
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) p.add(order[i]);
    }
    return p;
  }
}
