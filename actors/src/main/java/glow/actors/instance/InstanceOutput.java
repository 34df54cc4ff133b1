package glow.actors.instance;

import glow.actors.logs.InstanceLogFile;
import glow.actors.logs.LogLine;
import glow.actors.logs.LogRetention;
import glow.actors.logs.NodeLogHub;
import glow.actors.process.OutputLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the output lines of one instance's processes go: its log file and the node's log hub; one
 * per supervisor (shared by its successive processes) and one per job run. Thread-safe (process reader threads call
 * {@link #accept}).
 *
 * <p>Lines carry the instance key ({@code web#1}) as their instance, so one file and one filter
 * follow an instance across versions.
 */
public final class InstanceOutput implements Consumer<OutputLine> {

  private static final Logger log = LoggerFactory.getLogger(InstanceOutput.class);

  private final LogRetention retention;
  private final Path dir;
  private final String node;
  private final String app;
  private final String key;
  private final NodeLogHub hub;
  private InstanceLogFile file;
  private boolean closed;
  private boolean writeFailedReported;
  // the last line of the current process, stderr preferred: says why a crash-looping app exits
  private String lastStdout;
  private String lastStderr;

  public InstanceOutput(Path dir, String node, String app, String key, NodeLogHub hub, LogRetention retention) {
    this.retention = retention;
    this.dir = dir;
    this.node = node;
    this.app = app;
    this.key = key;
    this.hub = hub;
  }

  /** Opens the log file if it is not open yet (blocking I/O: call it off the actor). */
  public synchronized void open() throws IOException {
    if (file == null && !closed) file = new InstanceLogFile(dir, node, app, key, retention.maxBytes(), retention.keep());
  }

  /** Forgets the last lines: a new process starts. */
  public synchronized void newProcess() {
    lastStdout = null;
    lastStderr = null;
  }

  /** The last stderr line of the current process, else its last stdout line, else null; at most 200 chars. */
  public synchronized String lastLine() {
    String l = lastStderr != null ? lastStderr : lastStdout;
    return l == null || l.length() <= 200 ? l : l.substring(0, 200) + "...";
  }

  @Override
  public void accept(OutputLine l) {
    LogLine line = new LogLine(l.at(), node, app, key, l.stream(), l.text());
    synchronized (this) {
      if (!l.text().isBlank()) {
        if (l.stream() == glow.actors.process.StdStream.STDERR) lastStderr = l.text();
        else lastStdout = l.text();
      }
      if (file != null) {
        try {
          file.append(line);
        } catch (IOException e) {
          // a full disk must not stop the process or the live stream; say it once per supervisor
          if (!writeFailedReported) log.warn("cannot write the log of instance {}: {}", key, e.getMessage());
          writeFailedReported = true;
        }
      }
    }
    hub.publish(line);
  }

  public synchronized void close() {
    closed = true;
    if (file == null) return;
    try {
      file.close();
    } catch (IOException e) {
      log.warn("cannot close the log of instance {}: {}", key, e.getMessage());
    }
    file = null;
  }
}
