package glow.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class OsProcessDriverTest {
  @TempDir Path dir;
  OsProcessDriver driver;
  final List<OutputLine> lines = new CopyOnWriteArrayList<>();
  final Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");

  @BeforeEach
  void setUp() {
    driver = new OsProcessDriver(dir.resolve("state"));
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private RunningProcess run(String body) throws Exception {
    Scripts.write(dir, "app.sh", body);
    return driver.start(ProcessSpec.of(dir, List.of("./app.sh"), env, lines::add));
  }

  private static ExitStatus exitOf(RunningProcess p) throws Exception {
    return p.onExit().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void reportsTheExitCode() throws Exception {
    assertEquals(new ExitStatus.Exited(3), exitOf(run("exit 3")));
  }

  @Test
  void runsInItsOwnProcessGroupAndSession() throws Exception {
    RunningProcess p = run("sleep 30");
    ProcTable.ProcStat s = ProcTable.stat(p.pid()).orElseThrow();
    assertEquals(p.pid(), s.pgrp());
    p.stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void capturesLinesInOrderWithStreamNames() throws Exception {
    RunningProcess p = run("i=1; while [ $i -le 300 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2");
    assertTrue(exitOf(p).success());
    List<String> out = lines.stream().filter(l -> l.stream() == StdStream.STDOUT).map(OutputLine::text).toList();
    assertEquals(300, out.size());
    for (int i = 0; i < 300; i++) assertEquals("line " + (i + 1), out.get(i));
    assertEquals(List.of("oops"), lines.stream().filter(l -> l.stream() == StdStream.STDERR).map(OutputLine::text).toList());
  }

  @Test
  void capsLongLinesAndMarksThem() throws Exception {
    RunningProcess p = run("head -c 40000 /dev/zero | tr '\\0' x; echo; echo after");
    assertTrue(exitOf(p).success());
    assertEquals(2, lines.size(), "the cut line, then the next one");
    assertEquals(LineReader.MAX_LINE_BYTES, lines.get(0).text().length());
    assertTrue(lines.get(0).truncated());
    assertEquals("after", lines.get(1).text());
    assertFalse(lines.get(1).truncated());
  }

  @Test
  void passesExactlyTheGivenEnvironment() throws Exception {
    Scripts.write(dir, "app.sh", "echo \"greeting=$GREETING home=${HOME:-unset}\"");
    RunningProcess p = driver.start(ProcessSpec.of(dir, List.of("./app.sh"), Map.of("GREETING", "hej"), lines::add));
    assertTrue(exitOf(p).success());
    assertEquals("greeting=hej home=unset", lines.get(0).text());
  }

  @Test
  void deliversSignalsToTheWholeGroup() throws Exception {
    RunningProcess p = run("""
        (trap 'echo child > child-hup' HUP; while :; do sleep 0.05; done) &
        trap 'echo main > main-hup' HUP
        echo ready
        while :; do sleep 0.05; done
        """);
    Scripts.await("the script is ready", Duration.ofSeconds(5), () -> !lines.isEmpty());
    p.signal(Signal.HUP);
    Scripts.await("both processes trapped HUP", Duration.ofSeconds(5),
        () -> Files.exists(dir.resolve("main-hup")) && Files.exists(dir.resolve("child-hup")));
    assertTrue(Scripts.alive(p.pid()), "a trapped HUP does not end the process");
    assertInstanceOf(ExitStatus.Killed.class, p.stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void stopSendsKillAfterTheGraceWhenTermIsIgnored() throws Exception {
    RunningProcess p = run("trap '' TERM; echo ready; while :; do sleep 0.05; done");
    Scripts.await("the script is ready", Duration.ofSeconds(5), () -> !lines.isEmpty());
    long t0 = System.nanoTime();
    ExitStatus status = p.stop(Duration.ofMillis(700)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(new ExitStatus.Killed(9), status);
    assertTrue(tookMs >= 700, "waited the grace before KILL, took " + tookMs + " ms");
  }

  @Test
  void stopEndsAtTermWhenTheProcessHonoursIt() throws Exception {
    RunningProcess p = run("echo ready; exec sleep 30");
    Scripts.await("the script is ready", Duration.ofSeconds(5), () -> !lines.isEmpty());
    long t0 = System.nanoTime();
    assertEquals(new ExitStatus.Killed(15), p.stop(Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue((System.nanoTime() - t0) < TimeUnit.SECONDS.toNanos(5), "did not wait for the grace");
  }

  @Test
  void stopLeavesNoGrandchild() throws Exception {
    RunningProcess p = run("sleep 300 & echo $! > grandchild.pid; trap '' TERM; wait");
    long grandchild = Scripts.readPid(dir.resolve("grandchild.pid"));
    assertTrue(Scripts.alive(grandchild));
    p.stop(Duration.ofMillis(300)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(Scripts.alive(grandchild), "grandchild " + grandchild + " is gone");
  }

  @Test
  void exitOfTheMainProcessTakesTheRestOfTheGroup() throws Exception {
    RunningProcess p = run("sleep 300 & echo $! > grandchild.pid; exit 0");
    assertTrue(exitOf(p).success());
    long grandchild = Scripts.readPid(dir.resolve("grandchild.pid"));
    assertFalse(Scripts.alive(grandchild), "grandchild " + grandchild + " is gone when onExit completes");
  }

  @Test
  void appliesMemoryAndProcessLimits() throws Exception {
    Scripts.write(dir, "app.sh", "cat /proc/$$/limits");
    RunningProcess p = driver.start(ProcessSpec.of(dir, List.of("./app.sh"), env, lines::add)
        .withLimits(Limits.of(512L * 1024 * 1024, 50)));
    assertTrue(exitOf(p).success());
    String as = lines.stream().map(OutputLine::text).filter(l -> l.startsWith("Max address space")).findFirst().orElseThrow();
    String nproc = lines.stream().map(OutputLine::text).filter(l -> l.startsWith("Max processes")).findFirst().orElseThrow();
    assertTrue(as.contains("536870912"), as);
    assertTrue(nproc.matches("Max processes\\s+50\\s+50\\s+processes\\s*"), nproc);
  }

  @Test
  void runsAsAnotherUserWhoseProcessLimitHolds() throws Exception {
    // no user is created: this runs where the node is root and the stock user nobody exists
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "switching users needs root");
    Assumptions.assumeTrue(Files.readString(Path.of("/etc/passwd")).contains("\nnobody:"), "needs the user nobody");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    // RLIMIT_NPROC counts every process of the uid on the host, other containers' included (seen:
    // `Cannot fork` at the first fork, with no other process of nobody visible here). So the uid is
    // read without forking, and the other processes of nobody can only lower the count started.
    Scripts.write(dir, "app.sh", """
        while read -r key value rest; do [ "$key" = "Uid:" ] && echo "$value"; done < /proc/self/status
        i=0
        while [ $i -lt 10 ]; do sleep 5 & echo $! >> pids; i=$((i+1)); done
        echo "all 10 started"
        """);
    RunningProcess p = driver.start(ProcessSpec.of(dir, List.of("./app.sh"), env, lines::add)
        .withRunAsUser("nobody").withLimits(new Limits(OptionalLong.empty(), OptionalInt.of(4))));
    exitOf(p);
    assertEquals("65534", lines.get(0).text());
    long started = Files.exists(dir.resolve("pids")) ? Files.readAllLines(dir.resolve("pids")).size() : 0;
    assertTrue(started <= 3, "at most 3 sleeps beside the script under a limit of 4 processes, saw " + started + ": " + lines);
    assertTrue(lines.stream().noneMatch(l -> l.text().equals("all 10 started")), lines.toString());
  }

  @Test
  void removesItsRecordWhenTheProcessEnds() throws Exception {
    RunningProcess p = run("sleep 30");
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".proc")).count());
    }
    p.stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(0, files.filter(f -> f.toString().endsWith(".proc")).count());
    }
  }

  @Test
  void closeStopsEveryChild() throws Exception {
    RunningProcess a = run("exec sleep 300");
    RunningProcess b = run("trap '' TERM; while :; do sleep 0.05; done");
    driver.close();
    assertFalse(Scripts.alive(a.pid()));
    assertFalse(Scripts.alive(b.pid()));
    assertThrows(ProcessStartException.class, () -> run("true"));
  }

  @Test
  void aMissingProgramIsAClearStartError() {
    ProcessStartException e = assertThrows(ProcessStartException.class,
        () -> driver.start(ProcessSpec.of(dir, List.of("bin/start"), env, lines::add)));
    assertEquals("cannot start [bin/start]: " + dir.resolve("bin/start") + " does not exist", e.getMessage());
  }

  @Test
  void anUnknownRunAsUserIsAClearStartError() throws Exception {
    Scripts.write(dir, "app.sh", "true");
    ProcessSpec spec = ProcessSpec.of(dir, List.of("./app.sh"), env, lines::add).withRunAsUser("no-such-glow-user");
    ProcessStartException e = assertThrows(ProcessStartException.class, () -> driver.start(spec));
    assertTrue(e.getMessage().startsWith("cannot run [./app.sh] as user no-such-glow-user: no such user"), e.getMessage());
  }
}
