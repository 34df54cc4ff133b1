package glow.actors.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.process.StdStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class InstanceLogFileTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

  static LogLine line(int i) {
    return new LogLine(T0.plusSeconds(i), "n1", "web", "web:1.0#1", i % 2 == 0 ? StdStream.STDOUT : StdStream.STDERR, "line " + i);
  }

  @Test
  void writesOneRecordPerLineAndReadsThemBack() throws Exception {
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1 << 20, 2)) {
      log.append(line(0));
      log.append(new LogLine(T0.plusSeconds(1), "n1", "web", "web:1.0#1", StdStream.STDERR, "two\nparts"));
      log.flush();
      assertEquals(List.of("2026-11-22T01:00:00Z stdout line 0", "2026-11-22T01:00:01Z stderr two parts"),
          Files.readAllLines(dir.resolve("web:1.0#1.log")));
      assertEquals(List.of(line(0), new LogLine(T0.plusSeconds(1), "n1", "web", "web:1.0#1", StdStream.STDERR, "two parts")),
          log.tail(10));
    }
  }

  @Test
  void rotatesBySizeKeepingNFilesAndTailsAcrossThem() throws Exception {
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1000, 2)) {
      for (int i = 0; i < 200; i++) log.append(line(i));
      log.flush();
      for (String name : List.of("web:1.0#1.log", "web:1.0#1.log.1", "web:1.0#1.log.2")) {
        assertTrue(Files.size(dir.resolve(name)) <= 1000, name + " is at most maxBytes");
      }
      assertFalse(Files.exists(dir.resolve("web:1.0#1.log.3")), "only 2 rotated files are kept");
      List<LogLine> tail = log.tail(50);
      assertEquals(IntStream.range(150, 200).mapToObj(InstanceLogFileTest::line).toList(), tail);
    }
  }

  @Test
  void readsLinesSinceATime() throws Exception {
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1000, 3)) {
      for (int i = 0; i < 60; i++) log.append(line(i));
      assertEquals(IntStream.range(55, 60).mapToObj(InstanceLogFileTest::line).toList(), log.since(T0.plusSeconds(55), 100));
      assertEquals(IntStream.range(58, 60).mapToObj(InstanceLogFileTest::line).toList(), log.since(T0.plusSeconds(55), 2));
    }
  }

  @Test
  void reopeningAppendsToTheExistingFile() throws Exception {
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1 << 20, 1)) {
      log.append(line(0));
    }
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1 << 20, 1)) {
      log.append(line(1));
      assertEquals(List.of(line(0), line(1)), log.tail(10));
    }
  }

  @Test
  @Timeout(10)
  void anUnflushedLineReachesTheFileWithinASecond() throws Exception {
    try (InstanceLogFile log = new InstanceLogFile(dir, "n1", "web", "web:1.0#1", 1 << 20, 1)) {
      long t0 = System.nanoTime();
      log.append(line(0));
      while (Files.size(log.file()) == 0) {
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "flushed within 1 s");
        Thread.sleep(10); // polling the file size with a deadline
      }
    }
  }
}
