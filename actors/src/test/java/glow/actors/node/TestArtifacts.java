package glow.actors.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes artifacts into a test's artifact directory: tiny shell apps, or copies of the demo artifacts; stateless. */
final class TestArtifacts {
  private TestArtifacts() {}

  /** The demo artifacts the build packs (mvn -pl examples/demo-apps package). */
  static final Path DEMO = Path.of("..", "examples", "artifacts").toAbsolutePath().normalize();

  /** Copies {@code image/version} of the demo artifacts into {@code base}. */
  static void copyDemo(Path base, String image, String version) throws IOException {
    Path from = DEMO.resolve(image).resolve(version);
    if (!Files.isDirectory(from)) {
      throw new IllegalStateException("demo artifact " + from + " is missing: build it with mvn -B -o -pl examples/demo-apps package");
    }
    Path to = Files.createDirectories(base.resolve(image).resolve(version));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes {@code base/image/version/image-version.tar.gz} holding {@code files} (path to content;
   * paths under bin/ are executable) and, when {@code withSum}, its .sha256: the right sum, or
   * {@code wrongSum} when that is given.
   */
  static Path tarGz(Path base, String image, String version, Map<String, String> files, boolean withSum, String wrongSum)
      throws IOException {
    Path file = Files.createDirectories(base.resolve(image).resolve(version)).resolve(image + "-" + version + ".tar.gz");
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (var e : files.entrySet()) {
        byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setMode(0100000 | (e.getKey().startsWith("bin/") ? 0755 : 0644));
        entry.setSize(body.length);
        tar.putArchiveEntry(entry);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    if (withSum) {
      String sum = wrongSum != null ? wrongSum : sha256(file);
      Files.writeString(file.resolveSibling(file.getFileName() + ".sha256"), sum + "  " + file.getFileName() + "\n");
    }
    return file;
  }

  static String sha256(Path file) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
