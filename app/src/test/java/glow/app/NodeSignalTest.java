package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import glow.actors.node.TestArtifacts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code glow node} in its own JVM, stopped with a real SIGTERM: it exits 0 and leaves no child. */
class NodeSignalTest {
  @TempDir Path tmp;

  @Test
  @Timeout(90)
  void sigtermLeavesTheClusterStopsEveryInstanceAndExitsZero() throws Exception {
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.tarGz(artifacts, "sleeper", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"));
    Path repo = tmp.resolve("repo");
    NodeCommandTest.write(repo.resolve("apps/sleeper.yaml"), "image: sleeper\nversion: 1.0.0\n");
    NodeCommandTest.write(repo.resolve("deployments/sleeper-1.yaml"), "app: sleeper\nnode: n1\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "node",
        "--name", "n1", "--cluster-port", "0", "--repo", repo.toString(), "--artifacts", artifacts.toString(),
        "--data-dir", tmp.resolve("data").toString(), "--api", "127.0.0.1:0")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("node.out").toFile()).start();
    try {
      List<ProcessHandle> sleepers = List.of();
      Instant deadline = Instant.now().plusSeconds(60);
      while (sleepers.isEmpty()) {
        if (Instant.now().isAfter(deadline) || !node.isAlive()) {
          throw new AssertionError("no instance started; node output:\n" + Files.readString(tmp.resolve("node.out")));
        }
        TimeUnit.MILLISECONDS.sleep(100); // poll period
        sleepers = node.descendants().filter(p -> p.info().command().map(c -> c.endsWith(File.separator + "sleep")).orElse(false)).toList();
      }
      long start = System.nanoTime();
      node.destroy(); // SIGTERM
      assertEquals(0, node.waitFor() , Files.readString(tmp.resolve("node.out")));
      System.out.println("glow node, instance exiting on TERM: exit 0 " + (System.nanoTime() - start) / 1_000_000 + " ms after SIGTERM");
      sleepers.forEach(s -> assertFalse(s.isAlive(), "instance process " + s.pid() + " left running"));
    } finally {
      node.destroyForcibly();
    }
  }
}
