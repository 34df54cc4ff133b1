package glow.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.io.StringReader;

/**
 * The pid records of running children under the driver's state dir, one file per child; used to
 * find children a killed node left behind. One per driver.
 *
 * <p>A record names the process group and proves identity two ways, so a reaper never kills a
 * stranger that got a recycled pid: the leader's start time (clock ticks since boot, from
 * /proc/PID/stat) and a random token that the driver puts in every child's environment as {@code
 * GLOW_PROCESS_TOKEN} (inherited by grandchildren, readable in /proc/PID/environ).
 */
final class Leftovers {
  static final String TOKEN_VAR = "GLOW_PROCESS_TOKEN";

  record Entry(long pgid, long startTicks, String bootId, String token) {}

  private final Path dir;

  Leftovers(Path dir) {
    this.dir = dir;
  }

  Path fileOf(Entry e) {
    return dir.resolve(e.pgid() + "-" + e.startTicks() + ".proc");
  }

  void record(Entry e) throws IOException {
    Files.createDirectories(dir);
    String body = "pgid=" + e.pgid() + "\nstart=" + e.startTicks() + "\nboot=" + e.bootId() + "\ntoken=" + e.token() + "\n";
    Path tmp = dir.resolve(fileOf(e).getFileName() + ".tmp");
    Files.writeString(tmp, body, StandardCharsets.UTF_8);
    Files.move(tmp, fileOf(e), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  void forget(Entry e) {
    try {
      Files.deleteIfExists(fileOf(e));
    } catch (IOException ignored) {
      // a stale record is harmless: the reaper verifies identity before killing
    }
  }

  /** Every readable record; unreadable ones are deleted (they cannot prove identity). */
  List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.proc")) {
      for (Path f : files) {
        try {
          Properties p = new Properties();
          p.load(new StringReader(Files.readString(f)));
          out.add(new Entry(Long.parseLong(p.getProperty("pgid")), Long.parseLong(p.getProperty("start")),
              p.getProperty("boot", ""), p.getProperty("token", "")));
        } catch (IOException | RuntimeException bad) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read process records in " + dir, e);
    }
    return out;
  }

  /**
   * The live processes that provably belong to a recorded group: the leader itself (same pid and
   * start time) or a group member carrying the record's token.
   */
  static List<Long> provenMembers(Entry e) {
    List<Long> out = new ArrayList<>();
    for (ProcTable.ProcStat p : ProcTable.liveMembers(e.pgid())) {
      boolean leader = p.pid() == e.pgid() && p.startTicks() == e.startTicks();
      if (leader || ProcTable.environContains(p.pid(), TOKEN_VAR + "=" + e.token())) out.add(p.pid());
    }
    return out;
  }
}
