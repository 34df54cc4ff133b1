package glow.actors.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Publishes artifacts into a test's artifact directory as a user would (real tar.gz and zip files,
 * their .sha256, copies of the demo artifacts); stateless. The one archive builder of the build's
 * tests: http-api and app reach it through glow-actors' test-jar (see actors/pom.xml).
 */
public final class TestArtifacts {
  private TestArtifacts() {}

  /** The demo artifacts the build packs (mvn -pl examples/demo-apps package); modules are siblings of examples/. */
  public static final Path DEMO = Path.of("..", "examples", "artifacts").toAbsolutePath().normalize();

  /** One file in an archive: name (kept as given, ../ included), unix permission bits, content. */
  public record Item(String name, int mode, String content) {
    /** An item laid out as artifacts are: executable (0755) under bin/, else 0644. */
    public static Item of(String name, String content) {
      return new Item(name, name.startsWith("bin/") ? 0755 : 0644, content);
    }
  }

  /** Where the artifact store looks for {@code image version}: {@code base/image/version/image-version<kind>}. */
  public static Path path(Path base, String image, String version, String kind) {
    return base.resolve(image).resolve(version).resolve(image + "-" + version + kind);
  }

  /** Copies {@code image/version} of the demo artifacts into {@code base}. */
  public static void copyDemo(Path base, String image, String version) throws IOException {
    Path from = DEMO.resolve(image).resolve(version);
    if (!Files.isDirectory(from)) {
      throw new IllegalStateException("demo artifact " + from + " is missing: build it with mvn -B -o -pl examples/demo-apps package");
    }
    Path to = Files.createDirectories(base.resolve(image).resolve(version));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes {@code base/image/version/image-version.tar.gz} holding {@code files} (path to content, laid out by {@link Item#of}), no .sha256. */
  public static Path tarGz(Path base, String image, String version, Map<String, String> files) throws IOException {
    return tarGz(base, image, version, files, false, null);
  }

  /**
   * As {@link #tarGz(Path, String, String, Map)}, and when {@code withSum} its .sha256: the right
   * sum, or {@code wrongSum} when that is given.
   */
  public static Path tarGz(Path base, String image, String version, Map<String, String> files, boolean withSum, String wrongSum)
      throws IOException {
    Path file = tarGz(path(base, image, version, ".tar.gz"), files.entrySet().stream()
        .map(e -> Item.of(e.getKey(), e.getValue())).toArray(Item[]::new));
    if (withSum) writeSha256(file, wrongSum != null ? wrongSum : sha256(file));
    return file;
  }

  /** Writes {@code file} (creating its directory) as a tar.gz of {@code items}, in that order. */
  public static Path tarGz(Path file, Item... items) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Item i : items) {
        byte[] body = i.content().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(i.name(), true); // preserve the name as given, ../ included
        e.setMode(0100000 | i.mode()); // a regular file with these permission bits
        e.setSize(body.length);
        tar.putArchiveEntry(e);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  /** Writes {@code file} (creating its directory) as a zip of {@code items} with their unix modes. */
  public static Path zip(Path file, Item... items) throws IOException {
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

  /** Writes the right {@code file.sha256}, in sha256sum's format. */
  public static void writeSha256(Path file) throws IOException {
    writeSha256(file, sha256(file));
  }

  /** Writes {@code file.sha256} holding {@code sum}, in sha256sum's format ("<hex>  <name>"). */
  public static void writeSha256(Path file, String sum) throws IOException {
    Files.writeString(file.resolveSibling(file.getFileName() + ".sha256"), sum + "  " + file.getFileName() + "\n");
  }

  /** The file's SHA-256 as lower-case hex, computed here rather than by the code under test. */
  public static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
