package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler singleton on one node, the job on another: ticks cross the cluster to the runner
 * pinned on the job's node, and after the scheduler's node leaves (the singleton moves to the
 * job's node) the schedule goes on with each tick run once. Both nodes read one {@link MovableClock}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JobsTwoNodeTest {
  static final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:30Z"));
  static Path tmp;
  static Path marks;
  static GitRepo repo;
  static final java.util.List<AutoCloseable> closers = new java.util.ArrayList<>();

  record Node(GlowNode node, NodeServices services, ActorTestKit testKit) {}

  static Node start(String name, GlowNode seed) throws Exception {
    Path data = tmp.resolve("data-" + name);
    NodeSettings settings = TestNodes.settings(name, seed == null ? null : TestNodes.address(seed), Map.of(
        "repo", repo.dir().toString(), "data-dir", data.toString(), "artifacts", tmp.resolve("artifacts").toString(),
        "sync-interval", "1s"));
    OsProcessDriver driver = new OsProcessDriver(data.resolve("processes"));
    NodeLogHub logs = new NodeLogHub(1000, 1000);
    NodeServices services = new NodeServices(new NodeServices.Parts(driver, new ArtifactStore(
        tmp.resolve("artifacts").toString(), data.resolve("artifact-cache")), logs, SupervisorTiming.fast(),
        ListenersSettings.defaults(), Map.of("PATH", System.getenv("PATH"))),
        new JobScheduler.Settings(clock, Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(3)));
    GlowNode node = GlowNode.start(settings, services);
    node.whenUp().toCompletableFuture().get(20, TimeUnit.SECONDS);
    ActorTestKit kit = ActorTestKit.create(node.system());
    closers.add(0, () -> {
      kit.shutdownTestKit();
      driver.close();
      logs.close();
    });
    return new Node(node, services, kit);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : closers) c.close();
    if (repo != null) repo.close();
  }

  @Test
  void ticksReachARunnerOnAnotherNodeAndGoOnOnceEachAfterTheSingletonMoves() throws Exception {
    tmp = Files.createTempDirectory("glow-jobs-two");
    marks = Files.createFile(tmp.resolve("marks"));
    TestArtifacts.tarGz(tmp.resolve("artifacts"), "jobapp", "1.0.0", Map.of("bin/run",
        "#!/bin/sh\necho \"$GLOW_JOB $GLOW_JOB_RUN $GLOW_NODE\" >> \"$MARKS\"\n"), true, null);
    repo = GitRepo.init(tmp.resolve("repo"));
    repo.write("apps/jobapp.yaml", "image: jobapp\nversion: 1.0.0\ncommand: [bin/run]\nenv: {MARKS: " + marks + "}\n")
        .write("jobs/minutely.yaml", "app: jobapp\nnode: n2\nschedule: \"* * * * *\"\n")
        .commit("a job on n2");
    Node n1 = start("n1", null); // the oldest: the scheduler singleton runs here
    Node n2 = start("n2", n1.node());
    await(() -> runnerStarted(n2), "the scheduler on n1 contacted the runner on n2");

    clock.set(Instant.parse("2026-01-01T00:01:30Z"));
    awaitRuns(n2, r -> r.size() == 1 && r.get(0).state().equals("succeeded"));

    n1.node().stop().toCompletableFuture().get(60, TimeUnit.SECONDS); // the singleton moves to n2
    await(() -> !n2.node().placement().isUp("n1"), "n1 gone from n2's view");
    clock.set(Instant.parse("2026-01-01T00:02:30Z"));
    List<JobRun> runs = awaitRuns(n2, r -> r.size() == 2 && r.get(1).state().equals("succeeded"));
    Instant quiet = Instant.now().plusSeconds(1); // the new scheduler polled ~10 times meanwhile
    while (Instant.now().isBefore(quiet)) Await.pause();
    runs = history(n2).runs();
    assertEquals(List.of(Instant.parse("2026-01-01T00:01:00Z"), Instant.parse("2026-01-01T00:02:00Z")),
        runs.stream().map(JobRun::tick).toList());
    assertEquals(List.of("minutely 1 n2", "minutely 2 n2"), Files.readAllLines(marks));
    assertTrue(runs.stream().allMatch(r -> r.trigger().equals("schedule")));
  }

  static boolean runnerStarted(Node n) {
    var probe = n.testKit().<akka.cluster.sharding.ShardRegion.CurrentShardRegionState>createTestProbe();
    ClusterSharding.get(n.node().system()).shardState()
        .tell(new akka.cluster.sharding.typed.GetShardRegionState(n.services().jobRunners().typeKey(), probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage().getShards().forEach(s -> ids.addAll(s.getEntityIds()));
    return ids.contains("n2/job:minutely");
  }

  static JobRunner.History history(Node n) throws Exception {
    return n.services().jobRunners().entityRef("n2", "job:minutely")
        .<JobRunner.History>ask(JobRunner.GetHistory::new, Duration.ofSeconds(5)).toCompletableFuture().get(6, TimeUnit.SECONDS);
  }

  static List<JobRun> awaitRuns(Node n, Predicate<List<JobRun>> ok) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    List<JobRun> runs = history(n).runs();
    while (!ok.test(runs)) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("runs never matched: " + runs);
      Await.pause();
      runs = history(n).runs();
    }
    return runs;
  }

  static void await(java.util.function.BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
      Await.pause();
    }
  }
}
