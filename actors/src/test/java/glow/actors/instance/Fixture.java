package glow.actors.instance;

import akka.actor.typed.ActorRef;
import glow.actors.artifact.ArtifactStore;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.TestArtifacts;
import glow.actors.node.TestArtifacts.Item;
import glow.actors.process.ProcessDriver;
import glow.actors.registry.ServiceRegistry;
import glow.actors.rollout.Rollouts;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One test's world of real files: an artifact repository of tiny tar.gz files, a config repo
 * directory loaded into snapshots with the real loader, and a node data dir; one per test.
 */
final class Fixture {
  final Path artifacts;
  final Path cache;
  final Path data;
  final Path repo;
  final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  final NodeLogHub hub = new NodeLogHub(1000, 1000);

  Fixture(Path root) throws IOException {
    artifacts = Files.createDirectories(root.resolve("artifacts"));
    cache = root.resolve("cache");
    data = root.resolve("data");
    repo = Files.createDirectories(root.resolve("repo"));
  }

  InstanceRuntime runtime(ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry, SupervisorTiming timing,
      Map<String, String> nodeEnv) {
    return runtime(driver, registry, timing, nodeEnv, artifacts);
  }

  /** A runtime of node n1 on 127.0.0.1 whose artifact store reads artifactBase. */
  InstanceRuntime runtime(ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry, SupervisorTiming timing,
      Map<String, String> nodeEnv, Path artifactBase) {
    return runtime(driver, registry, timing, nodeEnv, artifactBase.toString());
  }

  /** A runtime of node n1 on 127.0.0.1 whose artifact store reads artifactBase (a directory or an http URL). */
  InstanceRuntime runtime(ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry, SupervisorTiming timing,
      Map<String, String> nodeEnv, String artifactBase) {
    return new InstanceRuntime("n1", "127.0.0.1", data, driver, new ArtifactStore(artifactBase, cache), hub,
        registry, snapshot::get, timing, nodeEnv, null);
  }

  /** A runtime of node n1 whose supervisors ask rollouts for permits. */
  InstanceRuntime runtime(ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry, SupervisorTiming timing,
      ActorRef<Rollouts.Command> rollouts) {
    return new InstanceRuntime("n1", "127.0.0.1", data, driver, new ArtifactStore(artifacts.toString(), cache), hub,
        registry, snapshot::get, timing, Map.of("PATH", "/usr/bin:/bin"), null, rollouts);
  }

  /** A runtime of node n1 with this node environment and artifact base, whose supervisors ask rollouts. */
  InstanceRuntime runtime(ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry, SupervisorTiming timing,
      Map<String, String> nodeEnv, Path artifactBase, ActorRef<Rollouts.Command> rollouts) {
    return new InstanceRuntime("n1", "127.0.0.1", data, driver, new ArtifactStore(artifactBase.toString(), cache), hub,
        registry, snapshot::get, timing, nodeEnv, null, rollouts);
  }

  /** A runtime whose processes run as user. */
  InstanceRuntime runtimeAs(String user, ProcessDriver driver, ActorRef<ServiceRegistry.Command> registry) {
    return new InstanceRuntime("n1", "127.0.0.1", data, driver, new ArtifactStore(artifacts.toString(), cache), hub,
        registry, snapshot::get, SupervisorTiming.fast(), Map.of(), user);
  }

  /** Publishes image-version.tar.gz with a README and an executable bin/start (and its .sha256 when withSum). */
  Path artifact(String image, String version, boolean withStart, boolean withSum) throws IOException {
    Item readme = new Item("README", 0644, image + " " + version + "\n");
    Item start = new Item("bin/start", 0755, "#!/bin/sh\nexec sleep 600\n");
    Path file = TestArtifacts.path(artifacts, image, version, ".tar.gz");
    TestArtifacts.tarGz(file, withStart ? new Item[] {readme, start} : new Item[] {readme});
    if (withSum) TestArtifacts.writeSha256(file);
    return file;
  }

  /** Writes a repo file (apps/x.yaml, deployments/x-1.yaml, configs/x.properties). */
  Fixture file(String path, String text) throws IOException {
    Path f = repo.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return this;
  }

  Fixture delete(String path) throws IOException {
    Files.delete(repo.resolve(path));
    return this;
  }

  /** Deploys instance n of app on node n1. */
  Fixture deploy(String app, int n) throws IOException {
    return file("deployments/" + app + "-" + n + ".yaml", "app: " + app + "\nnode: n1\ninstance: " + n + "\n");
  }

  /** Loads the repo into the snapshot the supervisors read; fails the test on any repo problem. */
  Snapshot load() {
    Snapshot s = RepoLoader.load(RepoSource.directory(repo), snapshot.get());
    if (!s.problems().isEmpty()) throw new AssertionError("test repo has problems: " + s.problems());
    snapshot.set(s);
    return s;
  }

  Path instanceDir(String key) {
    return data.resolve("instances").resolve(key.replace('#', '-'));
  }
}
