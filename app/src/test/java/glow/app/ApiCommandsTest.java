package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.TestArtifacts;
import glow.api.Json;
import glow.app.Cli.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The API commands ({@code status}, {@code logs}, {@code sync}, {@code restart}, {@code jobs}, {@code job}) against a real
 * {@code glow node} run in-process (its API hook, a plain-directory repo, a shell app that prints a
 * line every 200 ms), with their output and exit codes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ApiCommandsTest {
  static final String TOKEN = "cli-test-token";
  static Path tmp;
  static String api;
  static NodeCommand node;
  static Thread nodeThread;
  static final StringWriter nodeOut = new StringWriter();

  @BeforeAll
  static void startNode() throws Exception {
    tmp = Files.createTempDirectory("glow-cli");
    Path repo = Files.createDirectories(tmp.resolve("repo/apps"));
    Files.createDirectories(tmp.resolve("repo/deployments"));
    Files.writeString(repo.resolve("ticker.yaml"), "image: ticker\nversion: 1.0.0\n");
    Files.writeString(tmp.resolve("repo/deployments/ticker-1.yaml"), "app: ticker\nnode: n1\n");
    Files.createDirectories(tmp.resolve("repo/jobs"));
    Files.writeString(tmp.resolve("repo/jobs/hello.yaml"), "app: ticker\nnode: n1\nschedule: \"30 4 * * *\"\n"
        + "command: [sh, -c, \"echo hello from run $GLOW_JOB_RUN\"]\n");
    TestArtifacts.tarGz(tmp.resolve("artifacts"), "ticker", "1.0.0", Map.of("bin/start", "#!/bin/sh\necho \"ticker started pid $$\"\n"
        + "n=0\nwhile true; do n=$((n+1)); echo \"tick $n\"; sleep 0.2; done\n"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    api = "http://127.0.0.1:" + port;
    node = new NodeCommand();
    node.installSignalHandlers = false;
    CommandLine cl = new CommandLine(node);
    cl.setOut(new PrintWriter(nodeOut, true));
    cl.setErr(new PrintWriter(nodeOut, true));
    String[] args = {"--name", "n1", "--cluster-port", "0", "--repo", tmp.resolve("repo").toString(),
        "--artifacts", tmp.resolve("artifacts").toString(), "--data-dir", tmp.resolve("data").toString(),
        "--api", "127.0.0.1:" + port, "--api-token", TOKEN, "-D", "sync-interval=1s",
        "-D", "akka.coordinated-shutdown.run-by-jvm-shutdown-hook=off", "-D", "akka.management.http.hostname=127.0.0.1"};
    nodeThread = new Thread(() -> cl.execute(args), "glow-node-under-test");
    nodeThread.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!glow("status").out().contains("running")) {
      if (System.nanoTime() > deadline) throw new AssertionError("ticker#1 never ran; node said:\n" + nodeOut);
      TimeUnit.MILLISECONDS.sleep(200); // polling interval
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.run.requestStop();
    if (nodeThread != null) nodeThread.join(60_000);
  }

  /** Runs a glow command against the node under test (its --api appended). */
  static Run glow(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--api");
    all.add(api);
    return Cli.glow(all.toArray(String[]::new));
  }

  @Test
  void nodePrintsWhereItsApiAndDashboardAre() {
    assertTrue(nodeOut.toString().contains("glow: API and dashboard at " + api + "/"), nodeOut.toString());
  }

  @Test
  void statusPrintsNodesRepoAndInstancesAsTables() {
    Run r = glow("status");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].matches("NODE +STATUS +ADDRESS +ROLE"), r.out());
    assertTrue(lines[1].matches("n1 +Up +akka://glow@127\\.0\\.0\\.1:\\d+ +leader, repo sync"), r.out());
    assertTrue(r.out().contains("\nrepo dir-"), r.out());
    assertTrue(r.out().contains("(valid)"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("ticker#1 +1\\.0\\.0 +n1 +running +healthy +\\d+ +- +0 +\\d+s.*")), r.out());
  }

  @Test
  void statusJsonIsOneObjectForScripts() throws Exception {
    Run r = glow("status", "--json");
    assertEquals(0, r.code(), r.err());
    var j = Json.MAPPER.readTree(r.out());
    assertEquals("n1", j.path("cluster").path("self").asText());
    assertEquals("ticker#1", j.path("instances").path("instances").get(0).path("key").asText());
  }

  @Test
  void logsOfAnAppPrintTimeInstanceAndText() {
    Run r = glow("logs", "ticker", "--since", "10m", "-n", "3");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(2).matches("\\S+Z ticker#1 \\| tick \\d+"), r.out());
  }

  @Test
  void logsFollowShowsALineTheInstancePrintsWithinOneSecond() throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    Writer sink = new Writer() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
          if (buf[i] == '\n') {
            seen.add(line.toString());
            line.setLength(0);
          } else {
            line.append(buf[i]);
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(sink, true));
    cl.setErr(new PrintWriter(sink, true));
    // runs until the node stops at the end of the class (the stream then ends)
    Thread follower = new Thread(() -> cl.execute("logs", "ticker#1", "-f", "-n", "0", "--api", api), "glow-logs-f");
    follower.setDaemon(true);
    follower.start();
    String line = seen.poll(1, TimeUnit.SECONDS);
    assertTrue(line != null && line.matches("\\S+Z ticker#1 \\| tick \\d+"), "line within 1 s: " + line);
  }

  @Test
  void syncNeedsTheTokenAndSaysWhy() {
    Run none = glow("sync");
    assertEquals(1, none.code());
    assertEquals("glow: the API answered 401: missing bearer token\n"
        + "  hint: send the header 'Authorization: Bearer TOKEN' (glow CLI: --token TOKEN or GLOW_TOKEN)\n", none.err());
    Run ok = glow("sync", "--token", TOKEN);
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().startsWith("sync requested (version in force: dir-"), ok.out());
  }

  @Test
  void restartOfAnUnknownInstanceFailsWithExitOne() {
    Run r = glow("restart", "nope#1", "--token", TOKEN);
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("glow: the API answered 404: no instance \"nope#1\""), r.err());
  }

  @Test
  void restartRestartsTheInstance() {
    Run r = glow("restart", "ticker#1", "--token", TOKEN);
    assertEquals(0, r.code(), r.err());
    assertEquals("restarting ticker#1 on node n1\n", r.out());
  }

  @Test
  void jobRunStartsARunThatJobsAndJobShow() throws Exception {
    Run refused = glow("job", "run", "hello");
    assertEquals(1, refused.code(), "no token: " + refused.out());
    Run r = glow("job", "run", "hello", "--token", TOKEN);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("job hello: run #\\d+ started on node n1\n"), r.out());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Run job = glow("job", "hello");
    while (!job.out().contains("succeeded")) {
      if (System.nanoTime() > deadline) throw new AssertionError("the run never succeeded: " + job.out() + job.err());
      TimeUnit.MILLISECONDS.sleep(100); // polling interval
      job = glow("job", "hello");
    }
    assertTrue(job.out().startsWith("job hello: app ticker 1.0.0 on node n1\nschedule \"30 4 * * *\" (UTC), overlap forbid, "
        + "next run "), job.out());
    assertTrue(job.out().contains("manual"), job.out());
    Run jobs = glow("jobs");
    assertEquals(0, jobs.code(), jobs.err());
    assertTrue(jobs.out().startsWith("JOB"), jobs.out());
    assertTrue(jobs.out().lines().anyMatch(l -> l.startsWith("hello") && l.contains("30 4 * * *") && l.contains("succeeded")),
        jobs.out());
    Run unknown = glow("job", "nope");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().startsWith("glow: the API answered 404: no job named \"nope\""), unknown.err());
  }

  @Test
  void noNodeAtTheUrlIsExitTwoWithAClearMessage() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int code = cl.execute("status", "--api", "http://127.0.0.1:" + closed);
    assertEquals(2, code);
    assertEquals("glow: no Glow node answers at http://127.0.0.1:" + closed
        + " (is a node running there? give its API with --api URL)\n", err.toString());
  }

  @Test
  void aNodeWhoseApiPortIsTakenExitsTwoAndSaysWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      NodeCommand other = new NodeCommand();
      other.installSignalHandlers = false;
      CommandLine cl = new CommandLine(other);
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute("--name", "n2", "--cluster-port", "0", "--data-dir", tmp.resolve("data2").toString(),
          "--api", "127.0.0.1:" + taken.getLocalPort(), "-D", "akka.coordinated-shutdown.run-by-jvm-shutdown-hook=off");
      assertEquals(2, code, err.toString());
      assertTrue(err.toString().startsWith("glow node: cannot bind the API on 127.0.0.1:" + taken.getLocalPort() + " ("), err.toString());
      assertTrue(err.toString().contains("set glow.node.api or --api HOST:PORT"), err.toString());
      assertTrue(!err.toString().contains("removed from the cluster"), err.toString());
    }
  }
}
