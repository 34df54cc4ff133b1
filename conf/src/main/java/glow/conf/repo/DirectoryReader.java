package glow.conf.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads the wanted files of a plain folder and names the version by a hash of their content; stateless. */
final class DirectoryReader {
  private DirectoryReader() {}

  static RepoTree read(Path dir) throws RepoUnreadableException {
    if (!Files.isDirectory(dir)) {
      throw new RepoUnreadableException("not a directory: " + dir, null);
    }
    Map<String, String> files = new HashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (RepoTree.wanted(rel) && !rel.contains("/.")) {
          files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new RepoUnreadableException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    return new RepoTree(version(files), files);
  }

  /** {@code dir-} and the first 12 hex digits of a SHA-256 over every path and content, in path order. */
  static String version(Map<String, String> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return "dir-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
