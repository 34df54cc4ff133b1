package glow.actors.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.pubsub.Topic;
import glow.actors.node.GlowNode;
import glow.actors.node.TestNodes;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sync singleton taking over (moved to another node, or restarted) while a file is bad. */
class RepoSyncTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aSingletonStartingOnANodeWithASnapshotKeepsTheLastGoodVersionOfAFileThatIsBadNow() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve("apps"));
    Files.createDirectories(repo.resolve("deployments"));
    Files.writeString(repo.resolve("apps/x.yaml"), "image: x\nversion: 1.0.0\n");
    Files.writeString(repo.resolve("deployments/x-1.yaml"), "app: x\nnode: dev\n");
    RepoSource source = RepoSource.directory(repo);
    // what every node holds: the snapshot rebuilt from the last update it received
    Snapshot inForce = RepoUpdate.of(RepoLoader.load(source, null)).toSnapshot();

    Files.writeString(repo.resolve("apps/x.yaml"), "image: x\nversion: [2.0.0\n");
    assertTrue(RepoLoader.load(source, null).instance("x#1").isEmpty(), "without a previous snapshot x#1 would go");

    AtomicReference<ActorRef<RepoSync.Command>> sync = new AtomicReference<>();
    GlowNode node = GlowNode.start(TestNodes.settings("dev", null, Map.of("data-dir", tmp.resolve("data").toString())),
        (ctx, n) -> {
          ActorRef<Topic.Command<RepoUpdate>> topic = ctx.spawn(Topic.create(RepoUpdate.class, RepoUpdate.TOPIC), "repo-updates");
          sync.set(RepoSync.init(n.system(), source, Duration.ofSeconds(1), topic, n.registry(), () -> inForce));
        });
    ActorTestKit testKit = ActorTestKit.create(node.system());
    try {
      TestProbe<RepoUpdate> probe = testKit.createTestProbe();
      RepoUpdate update = probe.awaitAssert(Duration.ofSeconds(10), () -> {
        sync.get().tell(new RepoSync.GetCurrent(probe.ref()));
        RepoUpdate u = probe.receiveMessage(Duration.ofSeconds(1));
        assertTrue(!u.version().equals(inForce.version()), "a load of the bad version happened");
        return u;
      });
      Snapshot loaded = update.toSnapshot();
      assertEquals("1.0.0", loaded.instance("x#1").orElseThrow().spec().version(), "the last good x stays in force");
      assertTrue(loaded.problems().stream().anyMatch(p -> p.file().equals("apps/x.yaml")), loaded.problems().toString());
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
