package glow.api.sinks;

import glow.actors.logs.LogLine;

/**
 * Where a node forwards its instances' log lines besides their files; one per configured sink.
 * {@link #accept} is called on the log hub's thread and must never block: a sink buffers, and
 * drops (and counts) what does not fit.
 */
public interface LogSink extends AutoCloseable {
  /** The sink's name, its metric tag ({@code http-0}, {@code syslog-1}). */
  String name();

  void accept(LogLine line);

  /** Lines this sink lost because its buffer was full. */
  long dropped();

  /** Lines this sink delivered. */
  long sent();

  /** Stops the sink after a last attempt to deliver what it holds (bounded in time). */
  @Override
  void close();
}
