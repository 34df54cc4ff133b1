package glow.actors.housekeeping;

import static glow.actors.housekeeping.DataDir.age;
import static glow.actors.housekeeping.DataDir.app;
import static glow.actors.housekeeping.DataDir.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The housekeeping actor: passes on its timer and on request, and surviving files it cannot remove. */
@Timeout(30)
class HousekeepingTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @TempDir Path root;

  @Test
  void runsAPassOnItsTimerWithoutBeingAsked() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.fetched("web", "2");
    d.repo(Map.of("apps/web.yaml", app("web", "2"), "deployments/web-1.yaml", deployment("web", "n1", 1)));
    age(d.cached("web", "1"), Duration.ofHours(2));
    DataDirSweep sweep = new DataDirSweep("n1", d.data, d.store,
        new HousekeepingSettings(0, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(7)), d.snapshot::get);

    testKit.spawn(Housekeeping.create(sweep, () -> CompletableFuture.completedFuture(Set.of("web/2")),
        () -> CompletableFuture.completedFuture(Set.of())));

    TestProbe<Void> waiter = testKit.createTestProbe();
    waiter.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(Files.exists(d.cached("web", "1")));
      return null;
    });
    assertTrue(Files.isDirectory(d.cached("web", "2")));
  }

  @Test
  void repliesWithEachPassAndKeepsGoingAfterAFileItCannotRemove() throws Exception {
    DataDir d = new DataDir(root);
    Path version = d.fetched("web", "1");
    Path stuck = Files.write(version.resolve("stuck.bin"), new byte[10]);
    d.repo(Map.of());
    age(d.cached("web", "1"), Duration.ofHours(2));
    ActorRef<Housekeeping.Command> housekeeping = testKit.spawn(Housekeeping.create(d.sweep(0, Duration.ofHours(1),
        Duration.ofDays(7)), () -> CompletableFuture.completedFuture(Set.of()),
        () -> CompletableFuture.completedFuture(Set.of())));
    TestProbe<DataDirSweep.Report> probe = testKit.createTestProbe();

    Unremovable lock = Unremovable.make(stuck);
    DataDirSweep.Report first;
    try {
      housekeeping.tell(new Housekeeping.SweepAndReport(probe.ref()));
      first = probe.receiveMessage(Duration.ofSeconds(10));
    } finally {
      lock.release();
    }
    assertEquals(1, first.failures().size(), first.failures().toString());
    assertEquals(List.of("artifact web 1"), first.removed().stream().map(DataDirSweep.Removal::what).toList());

    housekeeping.tell(new Housekeeping.Sweep()); // merged with the next request if it is still running
    housekeeping.tell(new Housekeeping.SweepAndReport(probe.ref()));
    DataDirSweep.Report second = probe.receiveMessage(Duration.ofSeconds(10));
    assertEquals(List.of(), second.failures());
    try (var left = Files.list(d.store.cacheDir())) {
      assertEquals(List.of("web"), left.map(p -> p.getFileName().toString()).toList(), "the leftover is gone");
    }
  }

  @Test
  void leavesTheArtifactCacheAloneWhenTheSupervisorsCannotSayWhatRuns() throws Exception {
    DataDir d = new DataDir(root);
    d.fetched("web", "1");
    d.repo(Map.of());
    age(d.cached("web", "1"), Duration.ofHours(2));
    Path gone = d.instanceDir("api#1");
    age(gone, Duration.ofDays(8));
    ActorRef<Housekeeping.Command> housekeeping = testKit.spawn(Housekeeping.create(d.sweep(0, Duration.ofHours(1),
        Duration.ofDays(7)), () -> CompletableFuture.failedFuture(new TimeoutException("no answer from api#1")),
        () -> CompletableFuture.completedFuture(Set.of())));
    TestProbe<DataDirSweep.Report> probe = testKit.createTestProbe();

    housekeeping.tell(new Housekeeping.SweepAndReport(probe.ref()));
    DataDirSweep.Report r = probe.receiveMessage(Duration.ofSeconds(10));

    assertTrue(Files.isDirectory(d.cached("web", "1")), "it might still run");
    assertFalse(Files.exists(gone), "removed instances are still swept");
    assertEquals(List.of("work dir of removed instance api#1"), r.removed().stream().map(DataDirSweep.Removal::what).toList());
  }

  @Test
  void leavesTheJobDirsAloneWhenTheRunnersCannotSayWhatRuns() throws Exception {
    DataDir d = new DataDir(root);
    d.repo(Map.of());
    Path job = d.jobDir("nightly");
    DataDir.ageTree(job, Duration.ofDays(8));
    Path gone = d.instanceDir("api#1");
    age(gone, Duration.ofDays(8));
    ActorRef<Housekeeping.Command> housekeeping = testKit.spawn(Housekeeping.create(d.sweep(0, Duration.ofHours(1),
        Duration.ofDays(7)), () -> CompletableFuture.completedFuture(Set.of()),
        () -> CompletableFuture.failedFuture(new TimeoutException("no answer from the shard region"))));
    TestProbe<DataDirSweep.Report> probe = testKit.createTestProbe();

    housekeeping.tell(new Housekeeping.SweepAndReport(probe.ref()));
    DataDirSweep.Report r = probe.receiveMessage(Duration.ofSeconds(10));

    assertTrue(Files.isRegularFile(job.resolve("history.json")), "a run of it might still go");
    assertEquals(List.of("work dir of removed instance api#1"), r.removed().stream().map(DataDirSweep.Removal::what).toList());

    // the runners answer on the next pass: nothing of it runs, it left the repo 8 days ago
    ActorRef<Housekeeping.Command> answered = testKit.spawn(Housekeeping.create(d.sweep(0, Duration.ofHours(1),
        Duration.ofDays(7)), () -> CompletableFuture.completedFuture(Set.of()), () -> CompletableFuture.completedFuture(Set.of())));
    answered.tell(new Housekeeping.SweepAndReport(probe.ref()));
    assertEquals(List.of("dir of removed job nightly"), probe.receiveMessage(Duration.ofSeconds(10)).removed().stream()
        .map(DataDirSweep.Removal::what).toList());
    assertFalse(Files.exists(job));
  }
}
