package glow.actors.logs;

import glow.actors.process.StdStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The log file of one instance on this node, {@code <dir>/<instance>.log}, rotated by size; one
 * per instance.
 *
 * <p>Each record is one line: ISO-8601 timestamp, stream, text ({@code 2026-11-22T01:02:03.456Z
 * stdout hello}); line breaks inside a text become spaces so a record stays one line. Writes go
 * to a buffer that is flushed at most {@link #FLUSH_DELAY_MS} after the first unflushed line, so a
 * chatty app costs few system calls and a tail is never more than that behind. When the file
 * would grow past maxBytes it becomes {@code .log.1}, the older ones shift up to {@code .log.KEEP},
 * and the oldest is deleted. Thread-safe.
 */
public final class InstanceLogFile implements Closeable {
  /** Longest time a written line waits in the buffer, in milliseconds. */
  static final long FLUSH_DELAY_MS = 500;

  private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "glow-log-flusher");
    t.setDaemon(true);
    return t;
  });

  private final Path dir;
  private final String node;
  private final String app;
  private final String instance;
  private final long maxBytes;
  private final int keep;
  private final Path file;
  private BufferedWriter writer;
  private long size;
  private boolean flushScheduled;
  private boolean closed;

  /**
   * Opens (appending) or creates the file.
   *
   * @param maxBytes size at which the file is rotated (a single longer record still gets written)
   * @param keep how many rotated files are kept besides the current one (0: none)
   */
  public InstanceLogFile(Path dir, String node, String app, String instance, long maxBytes, int keep) throws IOException {
    if (instance.contains("/") || instance.startsWith(".")) {
      throw new IllegalArgumentException("instance key '" + instance + "' cannot be a file name (no / or leading .)");
    }
    if (maxBytes <= 0 || keep < 0) throw new IllegalArgumentException("maxBytes must be > 0 and keep >= 0");
    this.dir = dir;
    this.node = node;
    this.app = app;
    this.instance = instance;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.file = dir.resolve(instance + ".log");
    Files.createDirectories(dir);
    open();
  }

  public Path file() {
    return file;
  }

  private void open() throws IOException {
    writer = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND), StandardCharsets.UTF_8), 64 * 1024);
    size = Files.size(file);
  }

  /** Appends one record; flushed within {@link #FLUSH_DELAY_MS}. */
  public synchronized void append(LogLine line) throws IOException {
    if (closed) throw new IOException("log file " + file + " is closed");
    String record = line.timestamp() + " " + line.stream().label() + " "
        + line.text().replace('\n', ' ').replace('\r', ' ') + "\n";
    long bytes = record.getBytes(StandardCharsets.UTF_8).length;
    if (size > 0 && size + bytes > maxBytes) rotate();
    writer.write(record);
    size += bytes;
    if (!flushScheduled) {
      flushScheduled = true;
      FLUSHER.schedule(this::flushQuietly, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Appends a batch of records, then flushes once. */
  public synchronized void append(List<LogLine> lines) throws IOException {
    for (LogLine l : lines) append(l);
    flush();
  }

  public synchronized void flush() throws IOException {
    flushScheduled = false;
    if (!closed) writer.flush();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (IOException e) {
      // the next append or flush reports the problem to its caller
    }
  }

  private void rotate() throws IOException {
    writer.close();
    if (keep == 0) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(rotated(keep));
      for (int i = keep - 1; i >= 1; i--) {
        if (Files.exists(rotated(i))) Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  private Path rotated(int i) {
    return dir.resolve(instance + ".log." + i);
  }

  /** The last n records, oldest first, across rotated files. */
  public synchronized List<LogLine> tail(int n) throws IOException {
    return read(Instant.MIN, n);
  }

  /** Records at or after since, oldest first; at most max, the latest ones when there are more. */
  public synchronized List<LogLine> since(Instant since, int max) throws IOException {
    return read(since, max);
  }

  private List<LogLine> read(Instant since, int max) throws IOException {
    flush();
    Deque<LogLine> out = new ArrayDeque<>();
    // newest file first; stop once enough lines are found or a file starts before since
    List<Path> files = new ArrayList<>();
    files.add(file);
    for (int i = 1; i <= keep; i++) files.add(rotated(i));
    for (Path f : files) {
      if (out.size() >= max || !Files.exists(f)) break;
      List<String> raw = Files.readAllLines(f, StandardCharsets.UTF_8);
      boolean reachedOlder = false;
      for (int i = raw.size() - 1; i >= 0 && out.size() < max; i--) {
        LogLine l = parse(raw.get(i));
        if (l == null) continue;
        if (l.timestamp().isBefore(since)) {
          reachedOlder = true;
          break;
        }
        out.addFirst(l);
      }
      if (reachedOlder) break;
    }
    return List.copyOf(out);
  }

  private LogLine parse(String record) {
    int a = record.indexOf(' ');
    int b = a < 0 ? -1 : record.indexOf(' ', a + 1);
    if (b < 0) return null; // a record cut short by a crash
    try {
      Instant t = Instant.parse(record.substring(0, a));
      String s = record.substring(a + 1, b);
      StdStream stream = s.equals("stdout") ? StdStream.STDOUT : s.equals("stderr") ? StdStream.STDERR : null;
      return stream == null ? null : new LogLine(t, node, app, instance, stream, record.substring(b + 1));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    writer.close();
    closed = true;
  }
}
