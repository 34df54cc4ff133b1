package glow.actors.artifact;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Test helper that writes small real archives; stateless. */
final class Archives {
  private Archives() {}

  /** One file in an archive: name, unix mode, content. */
  record Item(String name, int mode, String content) {}

  static Path tarGz(Path file, Item... items) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Item i : items) {
        byte[] body = i.content().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(i.name(), true); // preserve the name as given, ../ included
        e.setMode(0100000 | i.mode());
        e.setSize(body.length);
        tar.putArchiveEntry(e);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  static Path zip(Path file, Item... items) throws IOException {
    Files.createDirectories(file.getParent());
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
      for (Item i : items) {
        ZipArchiveEntry e = new ZipArchiveEntry(i.name());
        e.setUnixMode(0100000 | i.mode());
        zip.putArchiveEntry(e);
        zip.write(i.content().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
    }
    return file;
  }

  /** Writes file.sha256 in sha256sum's format. */
  static void sha256(Path file) throws IOException {
    Files.writeString(file.resolveSibling(file.getFileName() + ".sha256"),
        ArtifactStore.sha256(file) + "  " + file.getFileName() + "\n");
  }
}
