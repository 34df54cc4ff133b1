package glow.conf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.TestRepo;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Times reading and validating a big repo: 500 apps, 10,000 deployments on 10 nodes, each app
 * requiring 3 others. Not in the default run; {@code mvn -pl conf test -Dgroups=bench -DexcludedGroups=}.
 */
@Tag("bench")
class LoadBenchmarkTest {
  static final int APPS = 500;
  static final int INSTANCES_PER_APP = 20;
  static final int NODES = 10;

  @TempDir
  Path dir;

  @Test
  @Timeout(60)
  void loadsAndValidatesTenThousandDeploymentsUnderTwoSeconds() {
    TestRepo repo = new TestRepo(dir);
    for (int a = 0; a < APPS; a++) {
      StringBuilder y = new StringBuilder("image: app" + a + "\nversion: 1.0." + a + "\n")
          .append("provides: {http: ").append(10_000 + a).append(", metrics: ").append(30_000 + a).append("}\n")
          .append("env: {LOG_LEVEL: info}\nhealth: {http: /healthz}\nrequires:\n");
      for (int k = 1; k <= 3; k++) {
        int target = (a + k * 7) % APPS;
        // the same target is always on the same local port, so instances on one node share the mapping
        y.append("  - app").append(target).append(":http -> ").append(40_000 + target).append('\n');
      }
      y.append("config: {path: app.conf, source: configs/app").append(a).append(".conf, on-change: reload}\n");
      repo.put("apps/app" + a + ".yaml", y.toString());
      repo.put("configs/app" + a + ".conf", "name=app" + a + "\nid=${GLOW_INSTANCE_ID}\n");
      for (int n = 1; n <= INSTANCES_PER_APP; n++) {
        // instances 1-10 on nodes 0-9 at offset 0, 11-20 on the same nodes at offset 1000
        int offset = n > NODES ? 1000 : 0;
        repo.put("deployments/app" + a + "/" + n + ".yaml",
            "app: app" + a + "\nnode: n" + (n % NODES) + "\ninstance: " + n + "\nport-offset: " + offset + "\n");
      }
    }
    // warm-up once (class loading, JIT), then time five full loads
    Snapshot s = RepoLoader.load(RepoSource.directory(dir), null);
    assertEquals(0, s.problems().size(), () -> s.problems().subList(0, Math.min(5, s.problems().size())).toString());
    assertEquals(APPS * INSTANCES_PER_APP, s.instances().size());
    long best = Long.MAX_VALUE;
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      long c0 = cpu.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Snapshot again = RepoLoader.load(RepoSource.directory(dir), i % 2 == 0 ? s : null);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long cpuMs = (cpu.getCurrentThreadCpuTime() - c0) / 1_000_000; // the load runs on this thread only
      best = Math.min(best, ms);
      assertEquals(APPS * INSTANCES_PER_APP, again.instances().size());
      System.out.printf("bench: read + validate %d deployments, %d apps, %d nodes (%s previous snapshot): %d ms wall, %d ms cpu%n",
          APPS * INSTANCES_PER_APP, APPS, NODES, i % 2 == 0 ? "with" : "without", ms, cpuMs);
    }
    assertTrue(best < 2000, "best of 5 loads took " + best + " ms, the target is under 2 s");
  }
}
