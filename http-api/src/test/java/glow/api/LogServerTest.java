package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.logs.InstanceLogFile;
import glow.actors.logs.LogLine;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.StdStream;
import glow.api.logs.LogEntry;
import glow.api.logs.LogFilter;
import glow.api.logs.LogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's log server answers from memory and, for older lines, from the instance log files the
 * supervisors write (real files, written by {@link InstanceLogFile}), without sending a line twice.
 */
class LogServerTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");
  static Path dir;
  static NodeLogHub hub;
  static ActorRef<LogServer.Command> server;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("glow-logs");
    hub = new NodeLogHub(3, 100); // memory holds the last 3 lines only
    try (InstanceLogFile greeter = new InstanceLogFile(dir, "n1", "greeter", "greeter#1", 1 << 20, 3);
        InstanceLogFile other = new InstanceLogFile(dir, "n1", "other", "other#1", 1 << 20, 3)) {
      for (int i = 0; i < 8; i++) {
        // every line goes to its file and to the hub, as a supervisor does
        LogLine l = new LogLine(T0.plusSeconds(i), "n1", "greeter", "greeter#1", i == 3 ? StdStream.STDERR : StdStream.STDOUT, "line " + i);
        greeter.append(l);
        hub.publish(l);
      }
      other.append(new LogLine(T0.plusMillis(500), "n1", "other", "other#1", StdStream.STDOUT, "not greeter"));
    }
    server = testKit.spawn(LogServer.create("n1", hub, dir));
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    hub.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static List<String> query(LogFilter filter, Instant since, int max) {
    TestProbe<LogServer.Lines> probe = testKit.createTestProbe();
    server.tell(new LogServer.Query(filter, since, max, probe.getRef()));
    LogServer.Lines lines = probe.receiveMessage();
    assertEquals("n1", lines.node());
    return lines.lines().stream().map(LogEntry::text).toList();
  }

  @Test
  void olderLinesComeFromTheFilesAndRecentOnesFromMemoryEachOnce() {
    assertEquals(List.of("line 0", "line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7"),
        query(new LogFilter("greeter", null, null), Instant.EPOCH, 100));
  }

  @Test
  void theLatestMaxLinesAcrossFileAndMemory() {
    assertEquals(List.of("line 4", "line 5", "line 6", "line 7"), query(new LogFilter(null, "greeter#1", null), Instant.EPOCH, 4));
    assertEquals(List.of("line 6", "line 7"), query(LogFilter.ALL, Instant.EPOCH, 2));
  }

  @Test
  void sinceAndFiltersApplyToFileLinesToo() {
    assertEquals(List.of("line 2", "line 3", "line 4", "line 5", "line 6", "line 7"),
        query(new LogFilter("greeter", null, "n1"), T0.plusSeconds(2), 100));
    assertEquals(List.of("not greeter"), query(new LogFilter("other", null, null), Instant.EPOCH, 100));
    assertEquals(List.of(), query(new LogFilter(null, null, "n2"), Instant.EPOCH, 100));
  }

  @Test
  void fileLinesKeepTheirStreamAndInstance() {
    TestProbe<LogServer.Lines> probe = testKit.createTestProbe();
    server.tell(new LogServer.Query(new LogFilter(null, "greeter:1.0.0#1", null), T0.plusSeconds(3), 1 + 4, probe.getRef()));
    LogEntry first = probe.receiveMessage().lines().get(0);
    assertEquals(new LogEntry(T0.plusSeconds(3), "n1", "greeter", "greeter#1", "stderr", "line 3"), first);
  }
}
