package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.TestArtifacts;
import glow.api.Json;
import glow.app.Cli.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * line every 200 ms, two apps that the status tests roll and three exposes), with their output and
 * exit codes.
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
    int[] free = freePorts(5); // distinct: the API's and those of rolloutsAndExposes
    int port = free[4];
    rolloutsAndExposes(tmp.resolve("repo"), tmp.resolve("artifacts"), free);
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

  /**
   * What the rollout and expose tests watch: billing and shop (two instances each, on 1.0.0, until a
   * test rolls them) and three exposes of web (an external whose endpoint is a port this test
   * listens on): a tcp one, an http one whose second edge node is not in the cluster, and a tcp one
   * whose port this test holds. {@code free}: four distinct free ports.
   */
  static void rolloutsAndExposes(Path repo, Path artifacts, int[] free) throws IOException {
    // billing#1 and #2 (by port-offset) and two exposes
    billingPort = Math.min(free[0], free[1]);
    billingOffset = Math.max(free[0], free[1]) - billingPort;
    exposeTcp = free[2];
    exposeHttp = free[3];
    web = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    webPort = web.getLocalPort();
    taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    String sleeper = "#!/bin/sh\nexec sleep 3600\n";
    Path externals = Files.createDirectories(repo.resolve("externals"));
    Files.writeString(externals.resolve("web.yaml"), "endpoints: [127.0.0.1:" + webPort + "]\nprovides: {http: " + webPort + "}\n");
    Files.writeString(repo.resolve("apps/billing.yaml"), "image: billing\nversion: 1.0.0\n");
    Files.writeString(repo.resolve("deployments/billing-1.yaml"), "app: billing\nnode: n1\ninstance: 1\n");
    Files.writeString(repo.resolve("deployments/billing-2.yaml"), "app: billing\nnode: n1\ninstance: 2\nport-offset: "
        + billingOffset + "\n");
    Files.writeString(repo.resolve("apps/shop.yaml"), "image: shop\nversion: 1.0.0\n");
    Files.writeString(repo.resolve("deployments/shop-1.yaml"), "app: shop\nnode: n1\ninstance: 1\n");
    Files.writeString(repo.resolve("deployments/shop-2.yaml"), "app: shop\nnode: n1\ninstance: 2\n");
    Path expose = Files.createDirectories(repo.resolve("expose"));
    Files.writeString(expose.resolve("web-tcp.yaml"), "listen: 127.0.0.1:" + exposeTcp + "\nnodes: [n1]\ntarget: web:http\n");
    Files.writeString(expose.resolve("www.yaml"), "listen: 127.0.0.1:" + exposeHttp + "\nnodes: [n1, edge2]\nmode: http\n"
        + "target: web:http\nhosts: [www.example.com]\n");
    Files.writeString(expose.resolve("taken.yaml"), "listen: 127.0.0.1:" + taken.getLocalPort() + "\nnodes: [n1]\n"
        + "target: web:http\n");
    for (String iv : List.of("billing/1.0.0", "billing/2.0.0", "shop/1.0.0")) {
      TestArtifacts.tarGz(artifacts, iv.substring(0, iv.indexOf('/')), iv.substring(iv.indexOf('/') + 1), Map.of("bin/start", sleeper));
    }
  }

  static int webPort;
  static int billingPort;
  static int billingOffset;
  static int exposeTcp;
  static int exposeHttp;
  static ServerSocket taken;
  static ServerSocket web;

  /** n distinct ports that were free a moment ago (all held open at once while they are picked). */
  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) held.add(new ServerSocket(0));
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.run.requestStop();
    if (nodeThread != null) nodeThread.join(60_000);
    if (taken != null) taken.close();
    if (web != null) web.close();
  }

  /** Runs {@code glow status} until its output has a line matching each pattern; the last output. */
  static String statusUntil(Duration within, String... patterns) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Run r = glow("status");
      if (Arrays.stream(patterns).allMatch(p -> r.out().lines().anyMatch(l -> l.matches(p)))) return r.out();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("glow status never showed " + Arrays.toString(patterns) + "; last output:\n" + r.out() + r.err());
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling interval
    }
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
    assertTrue(r.out().lines().anyMatch(l -> l.matches("ticker#1 +1\\.0\\.0 +n1 +running +healthy +\\d+ +- +0 +\\d+[smhd]\\S* .*")), r.out());
  }

  @Test
  void statusJsonIsOneObjectForScripts() throws Exception {
    Run r = glow("status", "--json");
    assertEquals(0, r.code(), r.err());
    var j = Json.MAPPER.readTree(r.out());
    assertEquals("n1", j.path("cluster").path("self").asText());
    List<String> keys = new ArrayList<>();
    j.path("instances").path("instances").forEach(i -> keys.add(i.path("key").asText()));
    assertTrue(keys.contains("ticker#1"), keys.toString());
    assertTrue(j.path("rollouts").has("learning"), "GET /api/rollouts as it answered: " + j.path("rollouts"));
    List<String> exposes = new ArrayList<>();
    j.path("exposes").path("exposes").forEach(e -> exposes.add(e.path("name").asText()));
    assertEquals(List.of("taken", "web-tcp", "www"), exposes);
  }

  @Test
  void statusShowsARolloutThatIsGoingWithFromToAndProgress() throws Exception {
    statusUntil(Duration.ofSeconds(40), "billing#1 +1\\.0\\.0 +n1 +running +healthy .*", "billing#2 +1\\.0\\.0 +n1 +running +healthy .*");
    assertTrue(glow("status").out().lines().noneMatch(l -> l.startsWith("billing ")), "no rollout row while it does not roll");

    // 2.0.0 provides a port nothing listens on, and is checked there: it never gets healthy, so the
    // replaced instance (#1 or #2) stays so for start-timeout (60 s) while the other waits
    Files.writeString(tmp.resolve("repo/apps/billing.yaml"), "image: billing\nversion: 2.0.0\nprovides: {http: " + billingPort
        + "}\nhealth: {port: http}\n");

    String out = statusUntil(Duration.ofSeconds(40), "ROLLOUT +FROM +TO +PROGRESS +STATE",
        "billing +1\\.0\\.0 +2\\.0\\.0 +0 of 2 done +rolling: replacing billing#[12] on n1 \\(to 2\\.0\\.0\\); waiting: billing#[12]");
    String row = out.lines().filter(l -> l.startsWith("billing ")).findFirst().orElseThrow();
    assertTrue(!row.matches(".*replacing (billing#\\d).*waiting: \\1$"), "one is replaced, the other waits: " + row);
  }

  @Test
  void statusShowsAStoppedRolloutWithTheReasonAndWhatToDo() throws Exception {
    statusUntil(Duration.ofSeconds(40), "shop#1 +1\\.0\\.0 +n1 +running .*", "shop#2 +1\\.0\\.0 +n1 +running .*");

    Files.writeString(tmp.resolve("repo/apps/shop.yaml"), "image: shop\nversion: 9.9.9\n"); // never published

    String out = statusUntil(Duration.ofSeconds(40),
        "shop +1\\.0\\.0 +9\\.9\\.9 +0 of 2 done +stopped: shop#([12]) on n1: .*artifact shop 9\\.9\\.9 not found.*",
        "shop: the other instances keep 1\\.0\\.0 and serve\\. To go on, read why \\(glow logs shop#[12]\\), then commit a fixed "
            + "version or 1\\.0\\.0 back: a new commit starts a new rollout \\(recommitting the same files does not\\)\\.");
    // the instance whose log to read is the one that failed
    String failed = out.lines().filter(l -> l.startsWith("shop ")).findFirst().orElseThrow().replaceFirst(".*stopped: (shop#\\d).*", "$1");
    assertTrue(out.contains("(glow logs " + failed + ")"), out);
  }

  @Test
  void statusShowsEachExposeWithWhereItListensAndItsProblems() throws Exception {
    int port = taken.getLocalPort();
    String out = statusUntil(Duration.ofSeconds(40), "EXPOSE +MODE +LISTEN +ROUTE +TARGET +NODES +LISTENER",
        "web-tcp +tcp +127\\.0\\.0\\.1:" + exposeTcp + " +every connection +web:http \\(web:" + webPort + "\\) +n1 +"
            + "n1: bound 127\\.0\\.0\\.1:" + exposeTcp + ", 1 of 1 endpoints available",
        "www +http +127\\.0\\.0\\.1:" + exposeHttp + " +www\\.example\\.com / +web:http \\(web:" + webPort + "\\) +n1,edge2 +"
            + "n1: bound 127\\.0\\.0\\.1:" + exposeHttp + ", 1 of 1 endpoints available; node edge2 not in cluster",
        "taken +tcp +127\\.0\\.0\\.1:" + port + " +every connection +web:http \\(web:" + webPort + "\\) +n1 +"
            + "n1: bind-failed: cannot bind 127\\.0\\.0\\.1:" + port + " .*, 1 of 1 endpoints available");
    // the exposes come after the instances, rows sorted by name
    List<String> lines = out.lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow());
    assertTrue(lines.subList(0, header).stream().anyMatch(l -> l.startsWith("INSTANCE ")), out);
    assertEquals(List.of("taken", "web-tcp", "www"), lines.subList(header + 1, header + 4).stream()
        .map(l -> l.substring(0, l.indexOf(' '))).toList(), out);
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
