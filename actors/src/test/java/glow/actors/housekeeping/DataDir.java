package glow.actors.housekeeping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import glow.actors.artifact.ArtifactStore;
import glow.actors.listener.RepoFiles;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One test's node n1 of real files: an artifact repository of .jar artifacts, an artifact store
 * caching under the data dir, and a config repo folder loaded into snapshots with the real loader;
 * one per test.
 */
final class DataDir {
  static final int JAR_BYTES = 4096;

  final Path artifactRepo;
  final Path data;
  final Path repo;
  final ArtifactStore store;
  final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

  DataDir(Path root) throws IOException {
    artifactRepo = Files.createDirectories(root.resolve("artifacts"));
    data = Files.createDirectories(root.resolve("data"));
    repo = Files.createDirectories(root.resolve("repo"));
    store = new ArtifactStore(artifactRepo.toString(), data.resolve("artifact-cache"));
  }

  /** Publishes image-version.jar ({@link #JAR_BYTES} bytes) and fetches it into the cache. */
  Path fetched(String image, String version) throws Exception {
    Path jar = artifactRepo.resolve(image).resolve(version).resolve(image + "-" + version + ".jar");
    Files.createDirectories(jar.getParent());
    Files.write(jar, new byte[JAR_BYTES]);
    return store.fetch(image, version);
  }

  Path cached(String image, String version) {
    return store.cacheDir().resolve(image).resolve(version);
  }

  /** Replaces the repo with these files (path -> text) and makes the result the snapshot in force. */
  Snapshot repo(Map<String, String> files) throws IOException {
    Snapshot s = RepoFiles.load(repo, files, snapshot.get());
    snapshot.set(s);
    return s;
  }


  static String app(String image, String version) {
    return "image: " + image + "\nversion: " + version + "\n";
  }

  static String deployment(String app, String node, int n) {
    return "app: " + app + "\nnode: " + node + "\ninstance: " + n + "\n";
  }

  /** A work dir with one file, as an instance leaves it. */
  Path instanceDir(String key) throws IOException {
    Path dir = Files.createDirectories(data.resolve("instances").resolve(key.replace('#', '-')));
    Files.writeString(dir.resolve("app.properties"), "port=8080\n");
    return dir;
  }

  /** {@code jobs/<name>} as a job runner leaves it: its history, one run's work dir and its log. */
  Path jobDir(String name) throws IOException {
    Path dir = Files.createDirectories(data.resolve("jobs").resolve(name));
    Files.writeString(dir.resolve("history.json"), "{\"lastTick\":null,\"nextId\":2,\"runs\":[]}");
    Files.writeString(Files.createDirectories(dir.resolve("runs/1")).resolve("report.txt"), "done\n");
    Files.writeString(Files.createDirectories(dir.resolve("logs")).resolve("job:" + name + "#1.log"), "run 1\n");
    return dir;
  }

  /** {@link #jobDir}'s bytes: the regular files it writes. */
  static long jobDirBytes() {
    return "{\"lastTick\":null,\"nextId\":2,\"runs\":[]}".length() + "done\n".length() + "run 1\n".length();
  }

  /** Sets the modification time of {@code root} and everything under it to {@code ago} before now. */
  static void ageTree(Path root, Duration ago) throws IOException {
    try (var all = Files.walk(root)) {
      for (Path p : all.toList()) age(p, ago);
    }
  }

  Path log(String name, String text) throws IOException {
    Path p = Files.createDirectories(data.resolve("logs")).resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** Sets a file's (or directory's own) modification time to {@code ago} before now. */
  static void age(Path p, Duration ago) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(ago)));
  }

  DataDirSweep sweep(int keepVersions, Duration grace, Duration retention) {
    return new DataDirSweep("n1", data, store, new HousekeepingSettings(keepVersions, Duration.ofMinutes(10), grace,
        retention), snapshot::get);
  }

  static void assertNoFailures(DataDirSweep.Report r) {
    assertEquals(java.util.List.of(), r.failures());
  }
}
