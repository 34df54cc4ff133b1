package glow.api.sinks;

import glow.actors.logs.LogLine;
import glow.api.Json;
import glow.api.logs.LogEntry;
import java.io.PrintStream;
import java.util.List;

/** Writes every line as one JSON object per line to the node's stdout (for journald, docker, a log shipper); one per configured sink. */
final class StdoutJsonSink extends BufferedSink {
  private final PrintStream out;

  StdoutJsonSink(String name, Tuning tuning, PrintStream out) {
    super(name, "stdout-json", tuning);
    this.out = out;
  }

  @Override
  void send(List<LogLine> batch) {
    StringBuilder text = new StringBuilder();
    for (LogLine l : batch) text.append(Json.write(LogEntry.of(l))).append('\n');
    synchronized (out) {
      out.print(text);
      out.flush();
    }
  }
}
