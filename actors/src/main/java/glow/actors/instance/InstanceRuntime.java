package glow.actors.instance;

import akka.actor.typed.ActorRef;
import glow.actors.artifact.ArtifactStore;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.ProcessDriver;
import glow.actors.registry.ServiceRegistry;
import glow.actors.rollout.Rollouts;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a node gives every instance supervisor; one per node, shared by all its supervisors.
 *
 * @param node this node's Glow name (deployment files' {@code node:})
 * @param advertiseHost the host other nodes reach this node's instances on; registered endpoints
 *     are {@code <advertiseHost>:<port with offset>}
 * @param dataDir the node's data dir: instance work dirs go to {@code <dataDir>/instances/}, log
 *     files to {@code <dataDir>/logs/}
 * @param driver starts and stops the processes (real or in-memory)
 * @param artifacts fetches and unpacks artifacts (blocking; supervisors call it off their thread)
 * @param logs where every instance's output lines are published
 * @param registry the node's replica of the service registry
 * @param snapshot the node's current desired state; read on every Ensure, so it must be cheap and
 *     thread-safe (e.g. an AtomicReference's get)
 * @param timing back-off, health and stop timings
 * @param nodeEnv the environment every instance starts from (PATH, HOME, JAVA_HOME ...); nothing
 *     else of the node's own environment is inherited
 * @param runAsUser OS user the processes run as, or null for the node's own user
 * @param rollouts the proxy of the rollout coordinator that grants permits to go down for a
 *     replacement, or null: every supervisor then replaces at once (tests of one supervisor)
 */
public record InstanceRuntime(String node, String advertiseHost, Path dataDir, ProcessDriver driver,
    ArtifactStore artifacts, NodeLogHub logs, ActorRef<ServiceRegistry.Command> registry,
    Supplier<Snapshot> snapshot, SupervisorTiming timing, Map<String, String> nodeEnv, String runAsUser,
    ActorRef<Rollouts.Command> rollouts) {

  /** A runtime without a rollout coordinator: instances replace at once. */
  public InstanceRuntime(String node, String advertiseHost, Path dataDir, ProcessDriver driver,
      ArtifactStore artifacts, NodeLogHub logs, ActorRef<ServiceRegistry.Command> registry,
      Supplier<Snapshot> snapshot, SupervisorTiming timing, Map<String, String> nodeEnv, String runAsUser) {
    this(node, advertiseHost, dataDir, driver, artifacts, logs, registry, snapshot, timing, nodeEnv, runAsUser, null);
  }

  public InstanceRuntime {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(advertiseHost, "advertiseHost");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(snapshot, "snapshot");
    timing = timing == null ? SupervisorTiming.defaults() : timing;
    nodeEnv = nodeEnv == null ? Map.of() : Map.copyOf(nodeEnv);
    runAsUser = runAsUser == null || runAsUser.isBlank() ? null : runAsUser;
  }
}
