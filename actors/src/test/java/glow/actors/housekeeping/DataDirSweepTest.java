package glow.actors.housekeeping;

import static glow.actors.housekeeping.DataDir.age;
import static glow.actors.housekeeping.DataDir.app;
import static glow.actors.housekeeping.DataDir.assertNoFailures;
import static glow.actors.housekeeping.DataDir.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files one housekeeping pass removes from a real data dir, against real snapshots. */
class DataDirSweepTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir Path root;

  @Test
  void removesUnusedVersionsButKeepsTheMostRecentlyUsedKeepVersionsPerImage() throws Exception {
    DataDir d = new DataDir(root);
    for (int v = 1; v <= 5; v++) d.fetched("web", "" + v);
    d.fetched("api", "1");
    d.repo(Map.of("apps/web.yaml", app("web", "5"), "deployments/web-1.yaml", deployment("web", "n1", 1)));
    // last used: 1 five hours ago ... 4 two hours ago; all beyond the grace
    for (int v = 1; v <= 4; v++) age(d.cached("web", "" + v), Duration.ofHours(6 - v));
    age(d.cached("api", "1"), Duration.ofHours(3));

    DataDirSweep.Report r = d.sweep(2, HOUR, WEEK).run(Set.of(), Set.of());

    assertNoFailures(r);
    assertFalse(Files.exists(d.cached("web", "1")));
    assertFalse(Files.exists(d.cached("web", "2")));
    assertTrue(Files.isRegularFile(d.cached("web", "3").resolve("web-3.jar")), "kept for rollback");
    assertTrue(Files.isRegularFile(d.cached("web", "4").resolve("web-4.jar")), "kept for rollback");
    assertTrue(Files.isRegularFile(d.cached("web", "5").resolve("web-5.jar")), "in use");
    assertTrue(Files.isDirectory(d.cached("api", "1")), "the only other version of its image: within keep-versions");
    assertEquals(List.of("artifact web 1", "artifact web 2"),
        r.removed().stream().map(DataDirSweep.Removal::what).sorted().toList());
    assertEquals(2L * DataDir.JAR_BYTES, r.bytesFreed());
    assertEquals(d.snapshot.get().version(), r.snapshotVersion());
    // nothing is left behind in the cache besides the image dirs
    try (var entries = Files.list(d.store.cacheDir())) {
      assertEquals(List.of("api", "web"), entries.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void neverRemovesAVersionThisNodeUsesHoweverOldItLooks() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.fetched("batch", "7");
    d.fetched("api", "2");
    d.repo(Map.of(
        "apps/web.yaml", app("web", "1"), "deployments/web-1.yaml", deployment("web", "n1", 1),
        "apps/batch.yaml", app("batch", "7"), "jobs/nightly.yaml", "app: batch\nnode: n1\nschedule: \"0 3 * * *\"\n",
        // deployed on another node only: this node does not use it
        "apps/api.yaml", app("api", "2"), "deployments/api-1.yaml", deployment("api", "n2", 1)));
    for (String iv : List.of("web/1", "batch/7", "api/2")) age(d.store.cacheDir().resolve(iv), Duration.ofDays(30));
    Instant before = Instant.now();

    DataDirSweep.Report r = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());

    assertNoFailures(r);
    assertTrue(Files.isRegularFile(d.cached("web", "1").resolve("web-1.jar")), "an instance here uses it");
    assertTrue(Files.isRegularFile(d.cached("batch", "7").resolve("batch-7.jar")), "a job here uses it");
    assertFalse(Files.exists(d.cached("api", "2")), "only another node uses it");
    // the pass marked the versions in use, so the grace counts from now once the snapshot moves on
    assertFalse(Files.getLastModifiedTime(d.cached("web", "1")).toInstant().isBefore(before.minusSeconds(1)));
  }

  @Test
  void keepsAVersionAProcessHereStillRunsAfterTheSnapshotMovedOn() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.fetched("web", "2");
    d.fetched("web", "3");
    // a rollout from 1 to 3 is stuck: web#1 still runs 1, the repo moved on twice
    d.repo(Map.of("apps/web.yaml", app("web", "3"), "deployments/web-1.yaml", deployment("web", "n1", 1)));
    age(d.cached("web", "1"), Duration.ofHours(5));
    age(d.cached("web", "2"), Duration.ofHours(4));

    DataDirSweep.Report r = d.sweep(0, HOUR, WEEK).run(Set.of("web/1"), Set.of());

    assertNoFailures(r);
    assertTrue(Files.isRegularFile(d.cached("web", "1").resolve("web-1.jar")), "its process runs from it");
    assertFalse(Files.exists(d.cached("web", "2")));
  }

  @Test
  void leavesTheArtifactCacheAloneWhenWhatRunsHereIsNotKnownButStillSweepsRemovedInstances() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.repo(Map.of());
    age(d.cached("web", "1"), Duration.ofHours(5));
    Path gone = d.instanceDir("web#1");
    age(gone, Duration.ofDays(8));

    DataDirSweep.Report r = d.sweep(0, HOUR, WEEK).run(null, Set.of());

    assertNoFailures(r);
    assertTrue(Files.isDirectory(d.cached("web", "1")));
    assertFalse(Files.exists(gone));
  }

  @Test
  void keepsAnUnusedVersionTouchedWithinTheGraceAndOneAStartJustFetched() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.fetched("web", "2");
    d.fetched("web", "3");
    d.fetched("web", "4");
    d.repo(Map.of("apps/web.yaml", app("web", "4"), "deployments/web-1.yaml", deployment("web", "n1", 1)));
    age(d.cached("web", "1"), Duration.ofMinutes(10)); // the snapshot used it until 10 minutes ago
    age(d.cached("web", "2"), Duration.ofHours(2));
    age(d.cached("web", "3"), Duration.ofHours(2));
    d.store.fetch("web", "3"); // a start (a rollback in flight) fetches 3 again: it is in use from now on

    DataDirSweep.Report r = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());

    assertNoFailures(r);
    assertTrue(Files.isDirectory(d.cached("web", "1")), "touched within the grace");
    assertFalse(Files.exists(d.cached("web", "2")));
    assertTrue(Files.isRegularFile(d.cached("web", "3").resolve("web-3.jar")), "just fetched");
  }

  @Test
  void aFetchAfterARemovalUnpacksTheVersionAgain() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.repo(Map.of());
    age(d.cached("web", "1"), Duration.ofHours(2));
    assertEquals(1, d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of()).removed().size());
    assertFalse(Files.exists(d.cached("web", "1")));

    Path again = d.store.fetch("web", "1");

    assertEquals(DataDir.JAR_BYTES, Files.size(again.resolve("web-1.jar")));
  }

  @Test
  void aVersionAStartFetchesWhileAPassRemovesItIsWholeWhenTheFetchReturns() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.repo(Map.of());
    DataDirSweep sweep = d.sweep(0, HOUR, WEEK);
    int removedSome = 0;
    for (int i = 0; i < 100; i++) {
      if (Files.isDirectory(d.cached("web", "1"))) age(d.cached("web", "1"), Duration.ofHours(2));
      // odd rounds race the pass against the fetch; even rounds let the pass go first, so removals
      // surely happen whatever the machine's load decides about the races
      var pass = java.util.concurrent.CompletableFuture.supplyAsync(() -> sweep.run(Set.of(), Set.of()));
      if (i % 2 == 0) pass.join();
      Path dir = d.store.fetch("web", "1");
      // the fetch touched the version under its lock: whichever came first, the pass leaves it whole
      DataDirSweep.Report r = pass.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertNoFailures(r);
      removedSome += r.removed().size();
      assertEquals(DataDir.JAR_BYTES, Files.size(dir.resolve("web-1.jar")), "iteration " + i);
    }
    assertTrue(removedSome >= 50, "the passes that went first removed the aged version: " + removedSome);
  }

  @Test
  void removesUnpackDirsACrashLeftOnceOlderThanTheGrace() throws Exception {
    DataDir d = new DataDir(root);
    d.repo(Map.of());
    Path old = Files.createDirectories(d.store.cacheDir().resolve(".tmp-web-1-dead"));
    Files.write(old.resolve("download"), new byte[100]);
    age(old.resolve("download"), Duration.ofHours(2));
    age(old, Duration.ofHours(2));
    Path busy = Files.createDirectories(d.store.cacheDir().resolve(".tmp-web-2-busy"));
    Files.write(busy.resolve("download"), new byte[100]);

    DataDirSweep.Report r = d.sweep(2, HOUR, WEEK).run(Set.of(), Set.of());

    assertNoFailures(r);
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(busy.resolve("download")), "a download in progress");
    assertEquals(100, r.bytesFreed());
  }

  @Test
  void keepsARemovedInstancesDirAndLogsForTheRetentionThenRemovesThem() throws Exception {
    DataDir d = new DataDir(root);
    d.repo(Map.of("apps/web.yaml", app("web", "1"), "apps/my-app.yaml", app("my-app", "1"),
        "deployments/web-1.yaml", deployment("web", "n1", 1), "deployments/web-2.yaml", deployment("web", "n1", 2),
        "deployments/my-app-3.yaml", deployment("my-app", "n1", 3)));
    Path web1 = d.instanceDir("web#1");
    Path web1Log = d.log("web#1.log", "still here\n");
    Path web2 = d.instanceDir("web#2");
    Path web2Log = d.log("web#2.log", "bye\n");
    Path web2Rotated = d.log("web#2.log.1", "older\n");
    Path myApp = d.instanceDir("my-app#3");
    Path myAppLog = d.log("my-app#3.log", "x\n");
    Path other = d.log("notes.txt", "not an instance log\n");
    // what web#1 and web#2 kept during a stopped rollout (a node restart reads it back)
    Path web1Kept = Files.writeString(Files.createDirectories(d.data.resolve("kept")).resolve("web-1.json"), "{}");
    Path web2Kept = Files.writeString(d.data.resolve("kept/web-2.json"), "{\"spec\":1}");
    DataDirSweep sweep = d.sweep(2, HOUR, WEEK);
    assertNoFailures(sweep.run(Set.of(), Set.of())); // marks the three instances as seen deployed now

    // web#2 and my-app#3 are removed from the repo; their files are fresh
    d.repo(Map.of("apps/web.yaml", app("web", "1"), "deployments/web-1.yaml", deployment("web", "n1", 1)));
    DataDirSweep.Report kept = sweep.run(Set.of(), Set.of());
    assertNoFailures(kept);
    assertEquals(List.of(), kept.removed());
    assertTrue(Files.exists(web2Log) && Files.exists(web2) && Files.exists(myAppLog) && Files.exists(web2Kept));

    // eight days later (as the files' times tell): web#2 is gone; my-app#3 logged an hour ago, so it stays
    for (Path p : List.of(web2, web2Log, web2Rotated, web2Kept, myApp, web1, web1Log, web1Kept, other)) age(p, Duration.ofDays(8));
    age(myAppLog, HOUR);
    DataDirSweep.Report r = sweep.run(Set.of(), Set.of());

    assertNoFailures(r);
    assertFalse(Files.exists(web2));
    assertFalse(Files.exists(web2Log));
    assertFalse(Files.exists(web2Rotated));
    assertFalse(Files.exists(web2Kept));
    assertTrue(Files.exists(web1Kept), "web#1 is still deployed: its kept spec may be needed after a node restart");
    assertTrue(Files.exists(myApp) && Files.exists(myAppLog), "its log was written within the retention");
    assertTrue(Files.exists(web1.resolve("app.properties")) && Files.exists(web1Log), "still deployed");
    assertTrue(Files.exists(other), "not an instance's file");
    long expected = "bye\n".length() + "older\n".length() + "port=8080\n".length() + "{\"spec\":1}".length();
    assertEquals(expected, r.bytesFreed());
  }

  @Test
  void keepsARemovedJobsDirForTheRetentionAndWhileARunGoesThenRemovesIt() throws Exception {
    DataDir d = new DataDir(root);
    String every = "schedule: \"0 3 * * *\"\n";
    d.repo(Map.of("apps/batch.yaml", app("batch", "1"), "jobs/nightly.yaml", "app: batch\nnode: n1\n" + every,
        "jobs/moved.yaml", "app: batch\nnode: n2\n" + every));
    Path nightly = d.jobDir("nightly");
    Path moved = d.jobDir("moved"); // ran here before the repo moved it to n2
    Path old = d.jobDir("old");
    Path recent = d.jobDir("recent");
    Path going = d.jobDir("going");
    Path notAJob = Files.writeString(d.data.resolve("jobs/notes.txt"), "not a job's dir\n");
    for (Path p : List.of(nightly, moved, old, recent, going, notAJob)) DataDir.ageTree(p, Duration.ofDays(8));
    age(recent.resolve("logs/job:recent#1.log"), HOUR); // a run logged an hour ago
    Instant before = Instant.now();

    DataDirSweep sweep = d.sweep(2, HOUR, WEEK);
    DataDirSweep.Report r = sweep.run(Set.of(), Set.of("going"));

    assertNoFailures(r);
    assertEquals(List.of("dir of removed job old"), r.removed().stream().map(DataDirSweep.Removal::what).toList());
    assertEquals(DataDir.jobDirBytes(), r.bytesFreed());
    assertFalse(Files.exists(old));
    assertTrue(Files.isRegularFile(nightly.resolve("history.json")), "in the repo");
    assertTrue(Files.isRegularFile(moved.resolve("logs/job:moved#1.log")), "in the repo, on another node");
    assertTrue(Files.isRegularFile(recent.resolve("runs/1/report.txt")), "its log was written within the retention");
    assertTrue(Files.isRegularFile(going.resolve("history.json")), "a run of it goes here");
    assertTrue(Files.exists(notAJob));
    // the pass marked the jobs in the repo and the running one: the retention counts from now once they are gone
    for (Path p : List.of(nightly, moved, going)) {
      assertFalse(Files.getLastModifiedTime(p).toInstant().isBefore(before.minusSeconds(1)), p.toString());
    }

    // the run ended and the repo dropped nightly: both stay for the retention from the last pass that saw them
    d.repo(Map.of("apps/batch.yaml", app("batch", "1"), "jobs/moved.yaml", "app: batch\nnode: n2\n" + every));
    assertEquals(List.of(), sweep.run(Set.of(), Set.of()).removed());
    assertTrue(Files.exists(going) && Files.exists(nightly));

    // eight days later (as the files' times tell)
    for (Path p : List.of(nightly, going, moved)) DataDir.ageTree(p, Duration.ofDays(8));
    DataDirSweep.Report later = sweep.run(Set.of(), Set.of());
    assertNoFailures(later);
    assertEquals(List.of("dir of removed job going", "dir of removed job nightly"),
        later.removed().stream().map(DataDirSweep.Removal::what).sorted().toList());
    assertTrue(Files.isDirectory(moved), "still in the repo");
  }

  @Test
  void leavesTheJobDirsAloneWhenWhatRunsHereIsNotKnown() throws Exception {
    DataDir d = new DataDir(root);
    d.repo(Map.of());
    Path old = d.jobDir("old");
    DataDir.ageTree(old, Duration.ofDays(30));
    Path gone = d.instanceDir("web#1");
    age(gone, Duration.ofDays(8));

    DataDirSweep.Report r = d.sweep(0, HOUR, WEEK).run(Set.of(), null);

    assertNoFailures(r);
    assertTrue(Files.isRegularFile(old.resolve("history.json")), "a run of it might go");
    assertFalse(Files.exists(gone));
  }

  @Test
  void aFileThatCannotBeRemovedIsReportedAndTheRestIsStillRemoved() throws Exception {
    DataDir d = new DataDir(root);
    Path stuckVersion = d.fetched("web", "1");
    d.fetched("web", "2");
    Path stuck = Files.write(stuckVersion.resolve("stuck.bin"), new byte[10]);
    d.repo(Map.of());
    age(d.cached("web", "1"), Duration.ofHours(3));
    age(d.cached("web", "2"), Duration.ofHours(2));
    Unremovable lock = Unremovable.make(stuck);
    DataDirSweep.Report r;
    try {
      r = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());
    } finally {
      lock.release();
    }

    assertEquals(1, r.failures().size(), r.failures().toString());
    assertEquals("stuck.bin", r.failures().get(0).path().getFileName().toString());
    assertFalse(Files.exists(d.cached("web", "2")), "the pass went on");
    assertFalse(Files.exists(d.cached("web", "1")), "taken out of the cache whole, so no fetch sees half of it");
    assertEquals(2 * DataDir.JAR_BYTES, r.bytesFreed(), "web-1.jar and web-2.jar, not the stuck file");

    // once the file can go, the next pass removes the leftover
    DataDirSweep.Report next = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());
    assertNoFailures(next);
    assertEquals(List.of("leftover of an earlier removal"), next.removed().stream().map(DataDirSweep.Removal::what).toList());
    assertEquals(10, next.bytesFreed());
  }

  @Test
  void removesNothingBeforeASnapshotWasReadFromTheRepo() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    age(d.cached("web", "1"), Duration.ofDays(30));
    Path dir = d.instanceDir("web#1");
    age(dir, Duration.ofDays(30));
    Path job = d.jobDir("nightly");
    DataDir.ageTree(job, Duration.ofDays(30));

    DataDirSweep.Report none = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());
    d.snapshot.set(Snapshot.empty("none", List.of())); // what an unreadable repo gives a starting node
    DataDirSweep.Report unreadable = d.sweep(0, HOUR, WEEK).run(Set.of(), Set.of());

    assertTrue(none.skipped());
    assertTrue(unreadable.skipped());
    assertNull(unreadable.snapshotVersion());
    assertTrue(Files.isDirectory(d.cached("web", "1")));
    assertTrue(Files.isDirectory(dir));
    assertTrue(Files.isRegularFile(job.resolve("history.json")));
  }
}
