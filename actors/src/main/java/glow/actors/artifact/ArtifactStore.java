package glow.actors.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Fetches app artifacts from the artifact repository and unpacks each version once into the
 * node's cache; one per node.
 *
 * <p>The artifact of image I, version V is {@code <base>/I/V/I-V.tar.gz}, else {@code .zip}, else
 * {@code .jar} (tried in that order), where base is a directory or an http(s) URL. When {@code
 * <file>.sha256} exists next to it (sha256sum format: hex digest, optionally followed by a name),
 * the download must match it. The unpacked tree appears at {@code <cache>/I/V} atomically: it is
 * unpacked into a temporary directory and renamed, so a tree that is there is complete; concurrent
 * fetches of one version wait for the one that unpacks. A {@code .jar} becomes a directory holding
 * {@code I-V.jar}.
 *
 * <p>Every fetch sets the version directory's modification time to now ("touches" it), under the
 * version's lock; {@link #removeIfUntouchedSince} removes a version under the same lock only when
 * it was not touched since a cutoff, so a version a start just fetched is never removed under it.
 */
public final class ArtifactStore {
  private static final List<String> KINDS = List.of(".tar.gz", ".zip", ".jar");
  /** Name prefixes of the cache's own work dirs: unpacking in progress (or left by a crash) and trash. */
  public static final String TMP_PREFIX = ".tmp-";
  public static final String TRASH_PREFIX = ".trash-";

  private final ArtifactSource source;
  private final String base;
  private final Path cacheDir;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param base a directory, a file: URL or an http(s) URL holding image/version/ folders
   * @param cacheDir where unpacked versions are kept (created when missing), under the node's data dir
   */
  public ArtifactStore(String base, Path cacheDir) {
    this.base = base;
    this.source = ArtifactSource.of(base);
    this.cacheDir = cacheDir;
  }

  /** The directory holding the unpacked artifact, fetching and unpacking it the first time. */
  public Path fetch(String image, String version) throws ArtifactException {
    checkName("image", image);
    checkName("version", version);
    Path target = cacheDir.resolve(image).resolve(version);
    synchronized (lockOf(image, version)) {
      // the fast path takes the lock too: housekeeping must not remove a tree between our check and touch
      if (!Files.isDirectory(target)) fetchAndUnpack(image, version, target);
      touch(target);
      return target;
    }
  }

  /** The directory unpacked versions are kept in: {@code <cache>/<image>/<version>}. */
  public Path cacheDir() {
    return cacheDir;
  }

  /**
   * Takes an unpacked version out of the cache unless it was touched (fetched, or marked in use by
   * housekeeping) at or after {@code cutoff}. Under the version's lock the tree is renamed to
   * {@code <cache>/.trash-...} in one atomic step, so a later fetch never sees half a tree: it
   * unpacks the version again. The caller deletes the returned trash directory (outside the lock).
   *
   * @return the trash directory to delete, or empty when the version is absent or was touched since cutoff
   * @throws IOException when the rename fails (the version stays whole and usable)
   */
  public Optional<Path> removeIfUntouchedSince(String image, String version, Instant cutoff) throws IOException {
    Path target = cacheDir.resolve(image).resolve(version);
    synchronized (lockOf(image, version)) {
      if (!Files.isDirectory(target)) return Optional.empty();
      if (!Files.getLastModifiedTime(target).toInstant().isBefore(cutoff)) return Optional.empty();
      Path trash = cacheDir.resolve(TRASH_PREFIX + image + "-" + version + "-" + UUID.randomUUID());
      Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(trash);
    }
  }

  /** Marks an unpacked version as used now (housekeeping does this for versions the snapshot in force uses). */
  public void touch(String image, String version) throws IOException {
    Path target = cacheDir.resolve(image).resolve(version);
    synchronized (lockOf(image, version)) {
      if (Files.isDirectory(target)) Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
    }
  }

  private Object lockOf(String image, String version) {
    return locks.computeIfAbsent(image + "/" + version, k -> new Object());
  }

  private static void touch(Path target) throws ArtifactException {
    try {
      Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
    } catch (IOException e) {
      throw new ArtifactException("cannot mark " + target + " as in use (" + e.getMessage()
          + "); check that the cache dir is writable", e);
    }
  }

  /**
   * Checks that an unpacked artifact has an executable bin/start, the command an app runs when its
   * YAML names none. Separate from fetch: an app with its own command needs no bin/start.
   */
  public static void requireStartScript(Path appDir, String image, String version) throws ArtifactException {
    Path start = appDir.resolve("bin").resolve("start");
    if (!Files.isRegularFile(start)) {
      throw new ArtifactException("artifact " + image + " " + version + " has no bin/start (looked for " + start
          + "); add an executable bin/start to the artifact or give the app a command");
    }
    if (!Files.isExecutable(start)) {
      throw new ArtifactException("artifact " + image + " " + version + ": " + start
          + " is not executable; set its exec bit (chmod +x) before packing the artifact");
    }
  }

  private Path fetchAndUnpack(String image, String version, Path target) throws ArtifactException {
    String what = "artifact " + image + " " + version;
    Path work = cacheDir.resolve(TMP_PREFIX + image + "-" + version + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      Path download = work.resolve("download");
      List<String> tried = new ArrayList<>();
      for (String kind : KINDS) {
        String rel = image + "/" + version + "/" + image + "-" + version + kind;
        tried.add(source.describe(rel));
        if (!source.fetch(rel, download)) continue;
        verifyChecksum(what, rel, download, work);
        Path tree = work.resolve("tree");
        Files.createDirectories(tree);
        try {
          switch (kind) {
            case ".tar.gz" -> Unpacker.tarGz(download, tree);
            case ".zip" -> Unpacker.zip(download, tree);
            default -> Files.copy(download, tree.resolve(image + "-" + version + ".jar"));
          }
        } catch (Unpacker.EscapeException e) {
          throw new ArtifactException(what + ": " + source.describe(rel) + ": " + e.getMessage()
              + "; rebuild the archive with paths relative to its root", e);
        } catch (IOException | RuntimeException e) {
          throw new ArtifactException(what + ": cannot unpack " + source.describe(rel) + " (" + e.getMessage()
              + "); check that it is a valid " + kind.substring(1) + " file and republish it", e);
        }
        Files.createDirectories(target.getParent());
        try {
          Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
          // another node process sharing this cache won the race: its tree is complete too
        } catch (IOException e) {
          if (!Files.isDirectory(target)) throw e;
        }
        return target;
      }
      throw new ArtifactException(what + " not found; tried " + String.join(", ", tried)
          + "; publish it under " + base + " or fix image/version in the app's yaml");
    } catch (IOException e) {
      throw new ArtifactException(what + ": cannot fetch from " + base + " (" + e.getMessage()
          + "); check that the artifact repository is reachable and the cache dir " + cacheDir + " is writable", e);
    } finally {
      deleteTree(work);
    }
  }

  private void verifyChecksum(String what, String rel, Path file, Path work) throws IOException, ArtifactException {
    Path sumFile = work.resolve("download.sha256");
    if (!source.fetch(rel + ".sha256", sumFile)) return;
    String text = Files.readString(sumFile).trim();
    String expected = text.isEmpty() ? "" : text.split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (!expected.matches("[0-9a-f]{64}")) {
      throw new ArtifactException(what + ": " + source.describe(rel + ".sha256")
          + " does not start with a sha256 hex digest; write it like sha256sum does (\"<64 hex digits>  <file>\")");
    }
    String got = sha256(file);
    if (!got.equals(expected)) {
      throw new ArtifactException(what + ": checksum mismatch for " + source.describe(rel) + ": expected " + expected
          + " (from " + source.describe(rel + ".sha256") + "), got " + got
          + "; the file is damaged or the .sha256 is stale: publish both again");
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void checkName(String field, String value) throws ArtifactException {
    if (value == null || value.isEmpty() || value.contains("/") || value.contains("\\") || value.startsWith(".")) {
      throw new ArtifactException("artifact " + field + " '" + value
          + "' is not a plain name (no /, \\ or leading .); fix it in the app's yaml");
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a leftover temp dir costs disk space only; the next fetch uses a new name
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
