package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import glow.actors.artifact.ArtifactStore;
import glow.actors.instance.SupervisorTiming;
import glow.actors.job.JobRun;
import glow.actors.job.JobRunner;
import glow.actors.job.JobScheduler;
import glow.actors.job.RunningJobs;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.OsProcessDriver;
import glow.actors.repo.GitRepo;
import glow.actors.repo.RepoSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Scheduled jobs on a whole node: a one-node cluster with {@link NodeServices}, a real git repo,
 * the real process driver running a tiny shell artifact. The schedule is driven by a
 * {@link MovableClock} given to the scheduler (cron has minute resolution; the test moves the
 * clock a minute at a time), while the runs are real processes in real time.
 *
 * <p>Every run appends "JOB RUN" to a marks file, so the test counts processes, not just history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobsEndToEndTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:30Z");
  static final String RUN = "#!/bin/sh\necho \"run $GLOW_JOB_RUN of $GLOW_JOB version $GLOW_VERSION\"\n"
      + "echo \"$GLOW_JOB $GLOW_JOB_RUN\" >> \"$MARKS\"\nsleep \"$1\"\nexit \"$2\"\n";
  static Path tmp;
  static Path data;
  static Path marks;
  static GitRepo repo;
  static OsProcessDriver driver;
  static NodeLogHub logs;
  static NodeServices services;
  static GlowNode node;
  static ActorTestKit testKit;
  static final MovableClock clock = new MovableClock(T0);
  /** The jobs' loopback port for dummy:http (no instance on the node requires it). */
  static int local;

  @BeforeAll
  static void start() throws Exception {
    tmp = Files.createTempDirectory("glow-jobs");
    data = tmp.resolve("data");
    marks = tmp.resolve("marks");
    local = freePort();
    Files.createFile(marks);
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.tarGz(artifacts, "jobapp", "1.0.0", Map.of("bin/run", RUN), true, null);
    TestArtifacts.tarGz(artifacts, "jobapp", "1.1.0", Map.of("bin/run", RUN), true, null);
    // a run that was going when the node died: the runner must call it lost and not rerun it
    Files.createDirectories(data.resolve("jobs/lost"));
    Files.writeString(data.resolve("jobs/lost/history.json"), "{\"lastTick\":\"2025-12-31T23:00:00Z\",\"nextId\":2,"
        + "\"runs\":[{\"id\":1,\"trigger\":\"schedule\",\"started\":\"2025-12-31T23:00:01Z\",\"state\":\"running\","
        + "\"detail\":\"started, pid 99999999\",\"version\":\"1.0.0\",\"pid\":99999999}]}");
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/jobapp.yaml", app("1.0.0"))
        .write("jobs/tick.yaml", job("0-9 * * * *", "0", "0", ""))
        .write("jobs/slow.yaml", job("10-19 * * * *", "4", "0", ""))
        .write("jobs/hung.yaml", job("0 0 1 1 *", "60", "0", "timeout: 1s\n"))
        .write("jobs/kept.yaml", job("0 0 1 1 *", "0", "3", "keep: 2\n"))
        .write("jobs/deploy.yaml", job("0 0 1 1 *", "3", "0", ""))
        .write("jobs/lost.yaml", job("0 0 1 1 *", "0", "0", ""))
        .write("jobs/replaced.yaml", job("0 0 1 1 *", "30", "0", "overlap: replace\n"))
        .write("jobs/hourly.yaml", job("0 * * * *", "0", "0", ""))
        .write("jobs/hourly-catch-up.yaml", job("0 * * * *", "0", "0", "catch-up: true\n"))
        .write("apps/dummy.yaml", "image: dummy\nversion: 1.0.0\nprovides: {http: " + freePort() + "}\n")
        .commit("jobs");
    NodeSettings settings = TestNodes.settings("dev", null, Map.of("repo", repo.dir().toString(),
        "data-dir", data.toString(), "artifacts", artifacts.toString(), "sync-interval", "1s"));
    driver = new OsProcessDriver(data.resolve("processes"));
    driver.reapLeftovers();
    logs = new NodeLogHub(1000, 1000);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(artifacts.toString(),
        data.resolve("artifact-cache")), logs, SupervisorTiming.fast(), ListenersSettings.defaults(), env),
        new JobScheduler.Settings(clock, Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(3)));
    node = GlowNode.start(settings, services);
    testKit = ActorTestKit.create(node.system());
    Await.until(() -> services.current() != null && services.current().jobs().size() == 9, "the jobs in force");
    // the scheduler asks every runner for its last tick once it sees the job: from then on the clock may move
    Await.until(() -> runnersStarted().contains("dev/job:tick") && runnersStarted().contains("dev/job:slow"),
        "the scheduler has contacted the runners");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    driver.close();
    logs.close();
    repo.close();
  }

  static String app(String version) {
    return "image: jobapp\nversion: " + version + "\ncommand: [bin/run, \"0\", \"0\"]\nenv: {MARKS: " + marks + "}\n"
        + "requires:\n  - dummy:http -> " + local + "\n";
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String job(String cron, String sleep, String exit, String more) {
    return "app: jobapp\nnode: dev\nschedule: \"" + cron + "\"\ncommand: [bin/run, \"" + sleep + "\", \"" + exit + "\"]\n" + more;
  }

  @Test
  @Order(1)
  void aScheduledJobRunsOncePerTickEvenWhenTheTickIsSentAgain() throws Exception {
    clock.set(T0.plusSeconds(60)); // 00:01:30, tick 00:01
    List<JobRun> runs = awaitRuns("tick", r -> r.size() == 1 && r.get(0).state().equals("succeeded"));
    assertEquals(Instant.parse("2026-01-01T00:01:00Z"), runs.get(0).tick());
    assertEquals("schedule", runs.get(0).trigger());
    assertEquals(0, runs.get(0).exitCode());
    clock.set(T0.plusSeconds(120));
    awaitRuns("tick", r -> r.size() == 2 && r.get(1).state().equals("succeeded"));
    // the tick resent (as after a singleton move) and a second scheduler that starts from the runner's file
    runner("tick").tell(new JobRunner.RunTick(Instant.parse("2026-01-01T00:02:00Z")));
    testKit.spawn(JobScheduler.create(services.jobRunners(), services::current, node.placement(),
        new JobScheduler.Settings(clock, Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(3))));
    clock.set(T0.plusSeconds(180));
    awaitRuns("tick", r -> r.size() == 3 && r.get(2).state().equals("succeeded"));
    Instant quiet = Instant.now().plusSeconds(1); // both schedulers polled ~10 times meanwhile
    while (Instant.now().isBefore(quiet)) Await.pause();
    assertEquals(3, history("tick").runs().size());
    assertEquals(3, marks("tick"), "three processes for three ticks");
    String log = Files.readString(Path.of(history("tick").runs().get(2).log()));
    assertTrue(log.contains("run 3 of tick version 1.0.0"), log);
  }

  @Test
  @Order(2)
  void forbidSkipsATickWhileThePreviousRunStillRuns() {
    clock.set(Instant.parse("2026-01-01T00:10:30Z"));
    awaitRuns("slow", r -> r.size() == 1 && r.get(0).pid() != null);
    clock.set(Instant.parse("2026-01-01T00:11:30Z"));
    List<JobRun> runs = awaitRuns("slow", r -> r.size() == 2 && r.get(1).state().equals("skipped"));
    assertTrue(runs.get(0).running());
    assertEquals("skipped: previous run #1 still running (overlap: forbid)", runs.get(1).detail());
    runs = awaitRuns("slow", r -> r.get(0).state().equals("succeeded"));
    assertEquals(1, marks("slow"), "one process only");
    assertTrue(runs.get(0).durationMs() >= 4000, "ran its 4 s: " + runs.get(0).durationMs());
  }

  @Test
  @Order(3)
  void timeoutStopsAHungRun() {
    Instant asked = Instant.now();
    assertEquals(1, runNow("hung").getValue());
    List<JobRun> runs = awaitRuns("hung", r -> r.size() == 1 && !r.get(0).running());
    JobRun run = runs.get(0);
    assertEquals("timed-out", run.state());
    assertEquals("manual", run.trigger());
    assertTrue(run.detail().startsWith("stopped: timeout 1000 ms reached"), run.detail());
    assertTrue(Duration.between(asked, Instant.now()).toSeconds() < 10, "stopped long before its 60 s sleep");
    assertFalse(ProcessHandle.of(run.pid()).map(ProcessHandle::isAlive).orElse(false), "the process is gone");
  }

  @Test
  @Order(4)
  void historyKeepsTheNewestRunsAndDeletesOlderLogs() {
    for (int i = 1; i <= 3; i++) {
      int id = runNow("kept").getValue();
      assertEquals(i, id);
      awaitRuns("kept", r -> r.stream().anyMatch(x -> x.id() == id && x.state().equals("failed")));
    }
    List<JobRun> runs = history("kept").runs();
    assertEquals(List.of(2, 3), runs.stream().map(JobRun::id).toList());
    assertEquals(3, runs.get(1).exitCode());
    assertFalse(Files.exists(data.resolve("jobs/kept/logs/job:kept#1.log")), "log of run 1 deleted");
    assertTrue(Files.exists(Path.of(runs.get(1).log())));
  }

  @Test
  @Order(5)
  void aRunGoingWhenItsNodeDiedIsMarkedLostAndNotRerun() {
    List<JobRun> runs = history("lost").runs();
    assertEquals(1, runs.size());
    assertEquals("lost", runs.get(0).state());
    assertTrue(runs.get(0).detail().startsWith("lost (node restarted)"), runs.get(0).detail());
    assertEquals(0, marks("lost"));
  }

  @Test
  @Order(6)
  void aDeployDuringARunNeitherKillsNorDoublesIt() throws Exception {
    assertEquals(1, runNow("deploy").getValue());
    JobRun first = awaitRuns("deploy", r -> r.size() == 1 && r.get(0).pid() != null).get(0);
    String v2 = repo.write("apps/jobapp.yaml", app("1.1.0")).commit("jobapp 1.1.0");
    services.sync().tell(new RepoSync.SyncNow());
    Await.until(() -> services.current().version().equals(v2), "1.1.0 in force");
    JobRun still = history("deploy").runs().get(0);
    assertTrue(still.running(), "still running after the deploy: " + still);
    assertEquals(first.pid(), still.pid());
    JobRun done = awaitRuns("deploy", r -> !r.get(0).running()).get(0);
    assertEquals("succeeded", done.state());
    assertEquals("1.0.0", done.version());
    assertEquals(1, history("deploy").runs().size());
    assertEquals(1, marks("deploy"));
    assertEquals(2, runNow("deploy").getValue());
    JobRun next = awaitRuns("deploy", r -> r.size() == 2 && !r.get(1).running()).get(1);
    assertEquals("1.1.0", next.version());
  }

  @Test
  @Order(7)
  void forbidRefusesAManualRunWhileOneRuns() {
    assertEquals(3, runNow("deploy").getValue());
    awaitRuns("deploy", r -> r.size() == 3 && r.get(2).pid() != null);
    StatusReply<Integer> refused = runNow("deploy");
    assertTrue(refused.isError());
    assertEquals("job deploy skipped: previous run #3 still running (overlap: forbid)", refused.getError().getMessage());
    awaitRuns("deploy", r -> !r.get(2).running());
  }

  @Test
  @Order(10)
  void replaceStopsTheRunningRunThenStartsTheNewOne() {
    runNow("replaced");
    JobRun first = awaitRuns("replaced", r -> r.size() == 1 && r.get(0).pid() != null).get(0);
    runNow("replaced");
    List<JobRun> runs = awaitRuns("replaced", r -> r.size() == 2 && r.get(1).pid() != null);
    assertEquals("replaced", runs.get(0).state());
    assertEquals("stopped: replaced by a newer run (overlap: replace); killed by signal 15", runs.get(0).detail());
    assertTrue(runs.get(1).running());
    assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false), "the first run's process is gone");
    assertEquals(2, marks("replaced"));
  }

  @Test
  @Order(8)
  void aLateTickRunsOnceOnlyWithCatchUp() {
    // two hours without a tick seen (as while the job's node was down): 01:00 and 02:00 are missed
    clock.set(Instant.parse("2026-01-01T02:30:30Z"));
    List<JobRun> runs = awaitRuns("hourly-catch-up", r -> r.size() == 1 && r.get(0).state().equals("succeeded"));
    assertEquals(Instant.parse("2026-01-01T02:00:00Z"), runs.get(0).tick(), "only the latest missed tick");
    Instant quiet = Instant.now().plusSeconds(1); // the scheduler polled ~10 times meanwhile
    while (Instant.now().isBefore(quiet)) Await.pause();
    assertEquals(1, history("hourly-catch-up").runs().size());
    assertEquals(List.of(), history("hourly").runs(), "catch-up off: the missed tick is passed over");
    clock.set(Instant.parse("2026-01-01T03:00:10Z"));
    awaitRuns("hourly", r -> r.size() == 1 && r.get(0).state().equals("succeeded"));
    assertEquals(Instant.parse("2026-01-01T03:00:00Z"), history("hourly").runs().get(0).tick(), "on time again");
  }

  @Test
  @Order(9)
  void theLoopbackPortsOfAJobsRequiresAreOpenOnItsNode() {
    Await.until(() -> {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", local), 1000);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    }, "a listener on 127.0.0.1:" + local + " for the jobs' requires");
  }

  @Test
  @Order(11)
  void runningJobsNamesTheJobsWithARunGoingHereAndStartsNoRunner() throws Exception {
    awaitRuns("replaced", r -> r.size() == 2 && r.get(1).running()); // sleeps 30 s (Order 10)
    Files.createDirectories(data.resolve("jobs/leftover")); // a job dir no runner owns (housekeeping looks at such)

    java.util.Set<String> running = RunningJobs.here(node.system(), services.jobRunners(), "dev", Duration.ofSeconds(5))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);

    assertTrue(running.contains("replaced"), running.toString());
    assertFalse(running.contains("deploy"), "its runs are over: " + running);
    for (String job : running) assertTrue(history(job).runs().stream().anyMatch(JobRun::running), job);
    assertFalse(runnersStarted().contains("dev/job:leftover"), "asking started no runner");
  }

  // ---------------------------------------------------------------- helpers

  static akka.cluster.sharding.typed.javadsl.EntityRef<JobRunner.Command> runner(String job) {
    return services.jobRunners().entityRef("dev", "job:" + job);
  }

  static java.util.Set<String> runnersStarted() {
    var probe = testKit.<akka.cluster.sharding.ShardRegion.CurrentShardRegionState>createTestProbe();
    akka.cluster.sharding.typed.javadsl.ClusterSharding.get(node.system()).shardState()
        .tell(new akka.cluster.sharding.typed.GetShardRegionState(services.jobRunners().typeKey(), probe.getRef()));
    java.util.Set<String> ids = new java.util.HashSet<>();
    probe.receiveMessage().getShards().forEach(s -> ids.addAll(s.getEntityIds()));
    return ids;
  }

  static JobRunner.History history(String job) {
    try {
      return runner(job).<JobRunner.History>ask(JobRunner.GetHistory::new, Duration.ofSeconds(5))
          .toCompletableFuture().get(6, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("history of " + job, e);
    }
  }

  static StatusReply<Integer> runNow(String job) {
    try {
      return runner(job).<StatusReply<Integer>>ask(JobRunner.RunNow::new, Duration.ofSeconds(5))
          .toCompletableFuture().get(6, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("run " + job, e);
    }
  }

  static List<JobRun> awaitRuns(String job, Predicate<List<JobRun>> ok) {
    Instant deadline = Instant.now().plusSeconds(20);
    List<JobRun> runs = history(job).runs();
    while (!ok.test(runs)) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("runs of " + job + " never matched: " + runs);
      Await.pause();
      runs = history(job).runs();
    }
    return runs;
  }

  static long marks(String job) {
    try {
      return Files.readAllLines(marks).stream().filter(l -> l.startsWith(job + " ")).count();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }


}
