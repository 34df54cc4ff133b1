package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.TestArtifacts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glow node} in its own JVM whose graceful stop cannot finish: its instance ignores TERM and
 * the node is told to wait 10 minutes for it (supervisor stop-grace, hand-off phase). SIGTERM then
 * ends the JVM at glow.node.stop-timeout with exit code 124, a second SIGTERM at once with 143;
 * either way no process of the instance (the main one nor its background child) is left.
 */
class NodeStopDeadlineTest {
  @TempDir Path tmp;
  /** Every instance process seen, killed after each test whatever its outcome. */
  final List<ProcessHandle> instanceProcesses = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  @Timeout(90)
  void aStopThatHangsIsHaltedAtTheStopTimeoutWithCode124AndNoInstanceProcessLeft() throws Exception {
    Process node = startHangingNode("8s");
    try {
      List<ProcessHandle> sleepers = awaitInstance(node);
      long start = System.nanoTime();
      node.destroy(); // SIGTERM
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM:\n" + output());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(StopDeadline.EXIT_DEADLINE, node.exitValue(), output());
      System.out.println("glow node with an 8 s stop timeout: exit 124 " + took.toMillis() + " ms after SIGTERM");
      // the deadline, not the 10-minute grace; a few seconds on top for the thread dump and the kill
      assertTrue(took.compareTo(Duration.ofSeconds(8)) >= 0 && took.compareTo(Duration.ofSeconds(14)) < 0,
          "stopped after " + took + ":\n" + output());
      String out = output();
      assertTrue(out.contains("glow node: still stopping after the stop timeout (8 s); it was waiting for: "
          + "coordinated-shutdown phase cluster-sharding-shutdown-region (timeout 600 s)"), out);
      assertTrue(out.contains("\"main\" "), "a thread dump: " + out);
      assertTrue(out.contains("glow node: killing what is left and halting with exit code 124"), out);
      assertGone(sleepers);
    } finally {
      node.destroyForcibly();
      instanceProcesses.forEach(ProcessHandle::destroyForcibly); // when the test failed, not left behind
    }
  }

  @Test
  @Timeout(90)
  void aSecondSigtermHaltsAtOnceWithCode143AndNoInstanceProcessLeft() throws Exception {
    Process node = startHangingNode("120s");
    try {
      List<ProcessHandle> sleepers = awaitInstance(node);
      node.destroy(); // SIGTERM: the graceful stop begins, and hangs on the instance
      awaitOutput(node, "glow: leaving the cluster and stopping every instance...");
      long start = System.nanoTime();
      node.destroy(); // the second SIGTERM
      assertTrue(node.waitFor(10, TimeUnit.SECONDS), "still running 10 s after the second SIGTERM:\n" + output());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(128 + 15, node.exitValue(), output());
      System.out.println("glow node, second SIGTERM: exit 143 " + took.toMillis() + " ms after it");
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
      assertTrue(output().contains("glow node: a second SIGTERM arrived while stopping; it was waiting for: "
          + "coordinated-shutdown phase cluster-sharding-shutdown-region"), output());
      assertGone(sleepers);
    } finally {
      node.destroyForcibly();
      instanceProcesses.forEach(ProcessHandle::destroyForcibly); // when the test failed, not left behind
    }
  }

  /**
   * A node running one instance that ignores TERM and has a background child in its group (which
   * no parent-death signal reaches: only the driver's group kill does).
   */
  private Process startHangingNode(String stopTimeout) throws Exception {
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.tarGz(artifacts, "stubborn", "1.0.0",
        Map.of("bin/start", "#!/bin/sh\ntrap '' TERM\nsleep 600 &\nexec sleep 601\n"));
    Path repo = tmp.resolve("repo");
    NodeCommandTest.write(repo.resolve("apps/stubborn.yaml"), "image: stubborn\nversion: 1.0.0\n");
    NodeCommandTest.write(repo.resolve("deployments/stubborn-1.yaml"), "app: stubborn\nnode: n1\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "node", "--name", "n1", "--cluster-port", "0", "--repo", repo.toString(), "--artifacts", artifacts.toString(),
        "--data-dir", tmp.resolve("data").toString(), "--api", "127.0.0.1:0",
        "-D", "glow.node.stop-timeout=" + stopTimeout,
        // the honest way to a hanging stop: the node is told to give the instance 10 minutes
        "-D", "glow.node.supervisor.drain=0s",
        "-D", "glow.node.supervisor.stop-grace=600s",
        "-D", "glow.akka.cluster.sharding.handoff-timeout=600s",
        "-D", "akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout=600s"));
    return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("node.out").toFile()).start();
  }

  /** Both sleeps of the instance, once they run. */
  private List<ProcessHandle> awaitInstance(Process node) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    List<ProcessHandle> sleepers = List.of();
    while (sleepers.size() < 2) {
      if (Instant.now().isAfter(deadline) || !node.isAlive()) throw new AssertionError("no instance started:\n" + output());
      TimeUnit.MILLISECONDS.sleep(100); // poll period
      sleepers = node.descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith(File.separator + "sleep")).orElse(false)).toList();
    }
    instanceProcesses.addAll(sleepers);
    return sleepers;
  }

  private void awaitOutput(Process node, String line) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!output().contains(line)) {
      if (Instant.now().isAfter(deadline) || !node.isAlive()) throw new AssertionError("no \"" + line + "\":\n" + output());
      TimeUnit.MILLISECONDS.sleep(50); // poll period
    }
  }

  /** The sleeps die with their group; give the kernel a moment to finish them (bounded). */
  private static void assertGone(List<ProcessHandle> sleepers) throws Exception {
    Instant deadline = Instant.now().plusSeconds(5);
    while (sleepers.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
      TimeUnit.MILLISECONDS.sleep(50); // poll period
    }
    sleepers.forEach(s -> assertTrue(!s.isAlive(), "instance process " + s.pid() + " left running"));
  }

  private String output() throws Exception {
    return Files.readString(tmp.resolve("node.out"));
  }
}
