package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.SupervisorTiming;
import glow.actors.job.JobRun;
import glow.actors.job.JobRunner;
import glow.actors.job.JobScheduler;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.OsProcessDriver;
import glow.actors.repo.GitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node stops while a (manually started) run of a job goes and starts again on the same data dir: the run's process is gone,
 * the run shows as lost, and it is not run again. (A crash rather than a stop kills the process by
 * the driver's parent-death signal, which {@code glow.actors.process.KilledNodeTest} covers.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JobsNodeRestartTest {

  record Running(GlowNode node, NodeServices services, OsProcessDriver driver, NodeLogHub logs) {}

  static Running start(Path tmp, GitRepo repo, MovableClock clock) {
    Path data = tmp.resolve("data");
    NodeSettings settings = TestNodes.settings("n1", null, Map.of("repo", repo.dir().toString(),
        "data-dir", data.toString(), "artifacts", tmp.resolve("artifacts").toString(), "sync-interval", "1s"));
    OsProcessDriver driver = new OsProcessDriver(data.resolve("processes"));
    driver.reapLeftovers();
    NodeLogHub logs = new NodeLogHub(1000, 1000);
    NodeServices services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(
        tmp.resolve("artifacts").toString(), data.resolve("artifact-cache")), logs, SupervisorTiming.fast(),
        ListenersSettings.defaults(), Map.of("PATH", System.getenv("PATH"))),
        new JobScheduler.Settings(clock, Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    return new Running(GlowNode.start(settings, services), services, driver, logs);
  }

  static List<JobRun> runs(Running n) throws Exception {
    return n.services().jobRunners().entityRef("n1", "job:nightly")
        .<JobRunner.History>ask(JobRunner.GetHistory::new, Duration.ofSeconds(5)).toCompletableFuture()
        .get(6, TimeUnit.SECONDS).runs();
  }

  static List<JobRun> await(Running n, java.util.function.Predicate<List<JobRun>> ok) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    List<JobRun> r = runs(n);
    while (!ok.test(r)) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("runs never matched: " + r);
      Await.pause();
      r = runs(n);
    }
    return r;
  }

  @Test
  void aRunCutShortByANodeRestartIsMarkedLostAndNotRerun() throws Exception {
    Path tmp = Files.createTempDirectory("glow-jobs-restart");
    Path marks = Files.createFile(tmp.resolve("marks"));
    TestArtifacts.tarGz(tmp.resolve("artifacts"), "jobapp", "1.0.0", Map.of("bin/run",
        "#!/bin/sh\necho \"$GLOW_JOB_RUN\" >> \"$MARKS\"\nexec sleep 60\n"), true, null);
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T02:59:30Z"));
    try (GitRepo repo = GitRepo.init(tmp.resolve("repo"))) {
      repo.write("apps/jobapp.yaml", "image: jobapp\nversion: 1.0.0\ncommand: [bin/run]\nenv: {MARKS: " + marks + "}\n")
          .write("jobs/nightly.yaml", "app: jobapp\nnode: n1\nschedule: \"0 3 * * *\"\n")
          .commit("a nightly job");
      Running first = start(tmp, repo, clock);
      try {
        Await.until(() -> first.services().current() != null, "the repo in force");
        first.services().jobRunners().entityRef("n1", "job:nightly")
            .<akka.pattern.StatusReply<Integer>>ask(JobRunner.RunNow::new, Duration.ofSeconds(5))
            .toCompletableFuture().get(6, TimeUnit.SECONDS);
        JobRun run = await(first, r -> r.size() == 1 && r.get(0).pid() != null).get(0);
        first.node().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        long pid = run.pid();
        Await.until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "the run's process gone with its node");
      } finally {
        first.driver().close();
        first.logs().close();
      }
      Running second = start(tmp, repo, clock); // same data dir
      try {
        List<JobRun> runs = await(second, r -> r.size() == 1 && !r.get(0).running());
        assertEquals("lost", runs.get(0).state());
        assertTrue(runs.get(0).detail().startsWith("lost (node restarted)"), runs.get(0).detail());
        Instant quiet = Instant.now().plusSeconds(1); // the scheduler polled ~10 times meanwhile
        while (Instant.now().isBefore(quiet)) Await.pause();
        assertEquals(1, runs(second).size(), "not rerun: " + runs(second));
        assertEquals(List.of("1"), Files.readAllLines(marks));
        assertFalse(runs(second).get(0).running());
      } finally {
        second.node().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        second.driver().close();
        second.logs().close();
      }
    }
  }
}
