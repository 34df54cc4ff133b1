package glow.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a kill -9 of the node leaves behind, with the node in a separate JVM. */
@Timeout(60)
class KilledNodeTest {
  @TempDir Path dir;

  @Test
  void killNineOfTheNodeKillsTheChildAndTheNextStartReapsTheGrandchild() throws Exception {
    Path state = dir.resolve("state");
    Scripts.write(dir, "app.sh", "sleep 300 & echo $! > grandchild.pid; wait");
    String cp = classDir(OrphanProbeMain.class) + ":" + classDir(OsProcessDriver.class);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process node = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", cp,
        OrphanProbeMain.class.getName(), state.toString(), dir.toString())
        .redirectErrorStream(true).start();
    long child;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream()))) {
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("started "), "probe said: " + line);
      child = Long.parseLong(line.substring("started ".length()));
      long grandchild = Scripts.readPid(dir.resolve("grandchild.pid"));
      assertTrue(Scripts.alive(child));

      node.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(node.waitFor(10, TimeUnit.SECONDS));

      Scripts.await("child " + child + " died with its node", Duration.ofSeconds(10), () -> !Scripts.alive(child));
      // the death signal reaches only the direct child; the record lets the next start finish the job
      try (OsProcessDriver next = new OsProcessDriver(state)) {
        List<OsProcessDriver.Reaped> reaped = next.reapLeftovers();
        assertFalse(Scripts.alive(grandchild), "grandchild " + grandchild + " is reaped");
        assertEquals(List.of(new OsProcessDriver.Reaped(child, List.of(grandchild))), reaped);
        try (var files = Files.list(state)) {
          assertEquals(0, files.count(), "records are cleared");
        }
      }
    } finally {
      node.destroyForcibly();
    }
  }

  @Test
  void reapingNeverKillsAProcessThatOnlyReusesARecordedPid() throws Exception {
    Path state = dir.resolve("state");
    // a stranger leading its own group, as a new process with a recycled pid would
    Process stranger = new ProcessBuilder("setsid", "sleep", "30").start();
    try {
      long pid = stranger.pid();
      Scripts.await("the stranger leads its group", Duration.ofSeconds(5),
          () -> ProcTable.stat(pid).map(s -> s.pgrp() == pid).orElse(false));
      long start = ProcTable.stat(pid).orElseThrow().startTicks();
      new Leftovers(state).record(new Leftovers.Entry(pid, start - 1, ProcTable.bootId(), "some-other-token"));
      try (OsProcessDriver next = new OsProcessDriver(state)) {
        assertEquals(List.of(), next.reapLeftovers());
      }
      assertTrue(Scripts.alive(pid), "the stranger lives");
      try (var files = Files.list(state)) {
        assertEquals(0, files.count(), "the stale record is cleared");
      }
    } finally {
      stranger.destroyForcibly();
    }
  }

  private static String classDir(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
