package glow.actors.housekeeping;

import glow.actors.artifact.ArtifactStore;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One node's data dir cleaner: removes unpacked artifact versions and the files of removed
 * instances and removed jobs that the rules below no longer keep; one per node, run by {@link
 * Housekeeping} on the blocking dispatcher (never on an actor thread: it walks and deletes trees).
 *
 * <p>Artifact cache rule. A version of an image is <em>in use</em> when an instance or job the
 * snapshot in force places on this node names it, or when an instance supervisor of this node
 * reported it as the version of its process (an old version still runs until a rollout replaces
 * it, or when the rollout is stuck). In-use versions are touched (their directory's
 * modification time set to now) on every pass, and {@link ArtifactStore#fetch} touches a version
 * every time a start fetches it. A version is removed only when all of these hold: it is not in use
 * in the snapshot in force (read again just before the removal), it is not among the
 * {@code keep-versions} most recently touched other versions of its image, and it was not touched
 * for {@code artifact-grace}. The last check and the removal happen under the artifact store's
 * lock of that version, so a start that fetches it concurrently either finds it whole (and touched,
 * so it stays) or unpacks it again. The grace also covers what supervisors do not report: an
 * instance removed from the repo that is still stopping, a job run of a version the repo left. Unpack dirs a crash left ({@code .tmp-*}) are removed after the grace too.
 *
 * <p>Removed-instance rule. An instance work dir {@code instances/<app>-<n>}, its log files
 * {@code logs/<app>#<n>.log*} and the spec it kept during a stopped rollout
 * {@code kept/<app>-<n>.json} are removed when the snapshot in force does not deploy
 * {@code <app>#<n>} on this node and the latest of the work dir's own modification time (touched
 * on every pass while the instance is deployed) and its files' is older than
 * {@code removed-instance-retention}.
 *
 * <p>Removed-job rule. A job directory {@code jobs/<name>} (its history, run dirs and run logs) is
 * removed when the snapshot in force has no job {@code <name>} (on any node), no run of it goes on
 * this node (as its runner just reported; when that is not known the job dirs are left alone), and
 * the latest of the directory's own modification time (touched on every pass while the snapshot has
 * the job or a run of it goes here), its direct entries' and its log files' is older than
 * {@code removed-instance-retention}. The snapshot is read again just before the removal.
 *
 * <p>Nothing is removed before the node has a snapshot read from its repo: no snapshot yet, or the
 * "none" snapshot of a repo that could not be read, would make every version look unused.
 */
public final class DataDirSweep {
  /** One thing removed: what it was, the path, and the bytes of regular files freed. */
  public record Removal(String what, Path path, long bytes) {}

  /** A path that could not be touched or removed and why; the pass went on without it. */
  public record Failure(Path path, String error) {}

  /**
   * What one pass did.
   *
   * @param snapshotVersion the repo version the pass worked from, or null when it skipped
   */
  public record Report(String snapshotVersion, List<Removal> removed, List<Failure> failures) {
    public Report {
      removed = List.copyOf(removed);
      failures = List.copyOf(failures);
    }

    public long bytesFreed() {
      return removed.stream().mapToLong(Removal::bytes).sum();
    }

    public boolean skipped() {
      return snapshotVersion == null;
    }
  }

  // <app>-<n> and <app>#<n>.log[.k]; an app name never contains '#'
  private static final Pattern INSTANCE_DIR = Pattern.compile("(.+)-([0-9]+)");
  private static final Pattern LOG_FILE = Pattern.compile("(.+#[0-9]+)\\.log(\\.[0-9]+)?");
  private static final Pattern KEPT_FILE = Pattern.compile("(.+)-([0-9]+)\\.json");

  private final String node;
  private final Path dataDir;
  private final ArtifactStore artifacts;
  private final HousekeepingSettings settings;
  private final Supplier<Snapshot> snapshot;

  /**
   * @param node this node's Glow name
   * @param dataDir the node's data dir ({@code instances/} and {@code logs/} are under it)
   * @param artifacts the node's artifact store (its cache dir is swept)
   * @param snapshot the snapshot in force on this node, null before the first
   */
  public DataDirSweep(String node, Path dataDir, ArtifactStore artifacts, HousekeepingSettings settings,
      Supplier<Snapshot> snapshot) {
    this.node = node;
    this.dataDir = dataDir;
    this.artifacts = artifacts;
    this.settings = settings;
    this.snapshot = snapshot;
  }

  public HousekeepingSettings settings() {
    return settings;
  }

  /**
   * Runs one pass; never throws: what it cannot do is in the report's failures.
   *
   * @param runningHere "image/version" of every process this node's instance supervisors run or
   *     start, as they just reported it; null when not known (a supervisor did not answer): the
   *     artifact cache is then left alone this pass
   * @param jobsRunningHere names of the jobs with a run going on this node, as their runners just
   *     reported it; null when not known: the job dirs are then left alone this pass
   */
  public Report run(Set<String> runningHere, Set<String> jobsRunningHere) {
    Snapshot s = snapshot.get();
    if (!readFromRepo(s)) return new Report(null, List.of(), List.of());
    List<Removal> removed = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    if (runningHere != null) {
      try {
        sweepArtifacts(s, runningHere, removed, failures);
      } catch (IOException | RuntimeException e) {
        failures.add(new Failure(artifacts.cacheDir(), e.toString()));
      }
    }
    try {
      sweepInstances(s, removed, failures);
    } catch (IOException | RuntimeException e) {
      failures.add(new Failure(dataDir, e.toString()));
    }
    if (jobsRunningHere != null) {
      try {
        sweepJobs(s, jobsRunningHere, removed, failures);
      } catch (IOException | RuntimeException e) {
        failures.add(new Failure(dataDir.resolve("jobs"), e.toString()));
      }
    }
    return new Report(s.version(), removed, failures);
  }

  private static boolean readFromRepo(Snapshot s) {
    return s != null && !"none".equals(s.version());
  }

  // ---- artifact cache ----

  /** "image/version" of everything the snapshot runs on this node: instances and job runs. */
  private Set<String> versionsInUse(Snapshot s) {
    Stream<InstanceSpec> here = Stream.concat(s.instancesOn(node).stream(),
        s.jobRuns().values().stream().filter(j -> j.node().equals(node)));
    return here.map(i -> i.spec().image() + "/" + i.spec().version()).collect(Collectors.toSet());
  }

  /** In use by the snapshot this pass started from or by the one in force now (it may have changed). */
  private boolean inUseNow(Set<String> inUse, String imageVersion) {
    if (inUse.contains(imageVersion)) return true;
    Snapshot now = snapshot.get();
    return !readFromRepo(now) || versionsInUse(now).contains(imageVersion);
  }

  private void sweepArtifacts(Snapshot s, Set<String> runningHere, List<Removal> removed, List<Failure> failures)
      throws IOException {
    Path cache = artifacts.cacheDir();
    if (!Files.isDirectory(cache)) return;
    Set<String> inUse = new java.util.HashSet<>(versionsInUse(s));
    inUse.addAll(runningHere);
    for (String iv : inUse) {
      String[] parts = iv.split("/", 2);
      try {
        artifacts.touch(parts[0], parts[1]);
      } catch (IOException e) {
        failures.add(new Failure(cache.resolve(iv), "cannot mark in use: " + Trees.describe(e)));
      }
    }
    Instant cutoff = Instant.now().minus(settings.artifactGrace());
    for (Path entry : list(cache)) {
      String name = entry.getFileName().toString();
      if (name.startsWith(ArtifactStore.TRASH_PREFIX)) {
        // a version taken out by an earlier pass whose delete failed part way: nothing uses it
        removed.add(new Removal("leftover of an earlier removal", entry, Trees.delete(entry, failures)));
      } else if (name.startsWith(ArtifactStore.TMP_PREFIX)) {
        Instant last = Trees.lastModified(entry);
        if (last != null && last.isBefore(cutoff)) {
          removed.add(new Removal("unfinished download", entry, Trees.delete(entry, failures)));
        }
      } else if (Files.isDirectory(entry)) {
        sweepImage(name, entry, inUse, cutoff, removed, failures);
      }
    }
  }

  private void sweepImage(String image, Path imageDir, Set<String> inUse, Instant cutoff, List<Removal> removed,
      List<Failure> failures) throws IOException {
    // the other versions, most recently touched (used) first; the first keep-versions stay
    Map<Instant, List<String>> byTime = new TreeMap<>(Comparator.reverseOrder());
    for (Path v : list(imageDir)) {
      String version = v.getFileName().toString();
      if (!Files.isDirectory(v) || inUse.contains(image + "/" + version)) continue;
      byTime.computeIfAbsent(Files.getLastModifiedTime(v).toInstant(), k -> new ArrayList<>()).add(version);
    }
    List<String> others = byTime.values().stream().flatMap(l -> l.stream().sorted()).toList();
    for (String version : others.subList(Math.min(settings.keepVersions(), others.size()), others.size())) {
      if (inUseNow(inUse, image + "/" + version)) continue;
      try {
        Optional<Path> trash = artifacts.removeIfUntouchedSince(image, version, cutoff);
        if (trash.isPresent()) {
          removed.add(new Removal("artifact " + image + " " + version, imageDir.resolve(version),
              Trees.delete(trash.get(), failures)));
        }
      } catch (IOException e) {
        failures.add(new Failure(imageDir.resolve(version), Trees.describe(e)));
      }
    }
  }

  // ---- removed instances ----

  private void sweepInstances(Snapshot s, List<Removal> removed, List<Failure> failures) throws IOException {
    Path instances = dataDir.resolve("instances");
    Path logs = dataDir.resolve("logs");
    Set<String> deployed = s.instancesOn(node).stream().map(InstanceSpec::key).collect(Collectors.toSet());
    Instant now = Instant.now();
    // key -> its work dir (if any) and log files
    Map<String, List<Path>> files = new TreeMap<>();
    for (Path dir : list(instances)) {
      Matcher m = INSTANCE_DIR.matcher(dir.getFileName().toString());
      if (!m.matches() || !Files.isDirectory(dir)) continue;
      String key = m.group(1) + "#" + m.group(2);
      if (deployed.contains(key)) {
        try {
          // the work dir's own time says "last seen deployed here"; it survives node restarts
          Files.setLastModifiedTime(dir, FileTime.from(now));
        } catch (IOException e) {
          failures.add(new Failure(dir, "cannot mark deployed: " + Trees.describe(e)));
        }
      } else {
        files.computeIfAbsent(key, k -> new ArrayList<>()).add(dir);
      }
    }
    for (Path log : list(logs)) {
      Matcher m = LOG_FILE.matcher(log.getFileName().toString());
      if (m.matches() && !deployed.contains(m.group(1))) {
        files.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(log);
      }
    }
    for (Path kept : list(dataDir.resolve("kept"))) {
      Matcher m = KEPT_FILE.matcher(kept.getFileName().toString());
      String key = m.matches() ? m.group(1) + "#" + m.group(2) : null;
      if (key != null && !deployed.contains(key)) files.computeIfAbsent(key, k -> new ArrayList<>()).add(kept);
    }
    Instant cutoff = now.minus(settings.removedInstanceRetention());
    for (var e : files.entrySet()) {
      Instant last = Instant.MIN;
      try {
        for (Path p : e.getValue()) {
          Instant t = Files.getLastModifiedTime(p).toInstant();
          if (t.isAfter(last)) last = t;
        }
      } catch (IOException gone) {
        continue; // removed or rotated meanwhile: the next pass sees it as it is then
      }
      if (!last.isBefore(cutoff) || deployedNow(e.getKey())) continue;
      for (Path p : e.getValue()) {
        String what = (Files.isDirectory(p) ? "work dir of removed instance "
            : p.getParent().getFileName().toString().equals("kept") ? "kept spec of removed instance "
            : "log of removed instance ") + e.getKey();
        removed.add(new Removal(what, p, Trees.delete(p, failures)));
      }
    }
  }

  // ---- removed jobs ----

  private void sweepJobs(Snapshot s, Set<String> running, List<Removal> removed, List<Failure> failures)
      throws IOException {
    Instant now = Instant.now();
    Instant cutoff = now.minus(settings.removedInstanceRetention());
    for (Path dir : list(dataDir.resolve("jobs"))) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue;
      String name = dir.getFileName().toString();
      if (s.jobs().containsKey(name) || running.contains(name)) {
        try {
          // the dir's own time says "last seen in the repo or running here"; it survives node restarts
          Files.setLastModifiedTime(dir, FileTime.from(now));
        } catch (IOException e) {
          failures.add(new Failure(dir, "cannot mark in use: " + Trees.describe(e)));
        }
        continue;
      }
      Instant last;
      try {
        last = latest(Trees.lastModified(dir), Trees.lastModified(dir.resolve("logs")));
      } catch (IOException gone) {
        continue; // changed meanwhile: the next pass sees it as it is then
      }
      if (last == null || !last.isBefore(cutoff) || inRepoNow(name)) continue;
      removed.add(new Removal("dir of removed job " + name, dir, Trees.delete(dir, failures)));
    }
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) return b;
    return b == null || a.isAfter(b) ? a : b;
  }

  private boolean inRepoNow(String job) {
    Snapshot now = snapshot.get();
    return !readFromRepo(now) || now.jobs().containsKey(job);
  }

  private boolean deployedNow(String key) {
    Snapshot now = snapshot.get();
    return !readFromRepo(now) || now.instancesOn(node).stream().anyMatch(i -> i.key().equals(key));
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(out::add);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
