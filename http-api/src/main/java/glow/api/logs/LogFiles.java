package glow.api.logs;

import glow.actors.logs.LogLine;
import glow.actors.process.StdStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the instance log files of this node ({@code <data-dir>/logs/<instance>.log} and its
 * rotated {@code .log.N}, written by the supervisors' {@code InstanceLogFile}: one record per line,
 * {@code <ISO timestamp> <stdout|stderr> <text>}) for lines older than the node keeps in memory;
 * one per node's log server. Read-only: the files stay the supervisors'.
 */
final class LogFiles {
  private static final Pattern NAME = Pattern.compile("(.+)\\.log(?:\\.(\\d+))?");

  private final Path dir;
  private final String node;

  LogFiles(Path dir, String node) {
    this.dir = dir;
    this.node = node;
  }

  /**
   * Lines matching filter with since <= timestamp < before, oldest first; the latest max of them.
   * Unreadable files and broken records are skipped.
   */
  List<LogLine> read(LogFilter filter, Instant since, Instant before, int max) {
    List<LogLine> out = new ArrayList<>();
    if (max <= 0 || !Files.isDirectory(dir) || (filter.node() != null && !filter.node().equals(node))) return out;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (!m.matches()) continue;
        String instance = m.group(1);
        int hash = instance.lastIndexOf('#');
        String app = hash > 0 ? instance.substring(0, hash) : instance;
        if (filter.instance() != null && !filter.instance().equals(instance)) continue;
        if (filter.app() != null && !filter.app().equals(app)) continue;
        for (String record : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          LogLine l = parse(record, app, instance);
          if (l != null && !l.timestamp().isBefore(since) && l.timestamp().isBefore(before)) out.add(l);
        }
      }
    } catch (IOException e) {
      // a file rotated away while listing, or no permission: answer with what was read
    }
    out.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
    return out.size() <= max ? out : new ArrayList<>(out.subList(out.size() - max, out.size()));
  }

  private LogLine parse(String record, String app, String instance) {
    int a = record.indexOf(' ');
    int b = a < 0 ? -1 : record.indexOf(' ', a + 1);
    if (b < 0) return null;
    String s = record.substring(a + 1, b);
    StdStream stream = s.equals("stdout") ? StdStream.STDOUT : s.equals("stderr") ? StdStream.STDERR : null;
    if (stream == null) return null;
    try {
      return new LogLine(Instant.parse(record.substring(0, a)), node, app, instance, stream, record.substring(b + 1));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
