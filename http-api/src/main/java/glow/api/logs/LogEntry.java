package glow.api.logs;

import glow.actors.CborSerializable;
import glow.actors.logs.LogLine;
import java.time.Instant;

/**
 * One log line as it travels from a node's {@link LogServer} to the API node that asked (plain
 * data: it crosses nodes); one per line sent.
 *
 * @param instance the instance key ({@code greeter#1})
 * @param stream stdout or stderr
 */
public record LogEntry(Instant timestamp, String node, String app, String instance, String stream, String text)
    implements CborSerializable, Comparable<LogEntry> {

  public static LogEntry of(LogLine l) {
    return new LogEntry(l.timestamp(), l.node(), l.app(), l.instance(), l.stream().label(), l.text());
  }

  /** Oldest first; ties by node and instance so that merges are stable. */
  @Override
  public int compareTo(LogEntry o) {
    int c = timestamp.compareTo(o.timestamp);
    if (c != 0) return c;
    c = node.compareTo(o.node);
    return c != 0 ? c : instance.compareTo(o.instance);
  }
}
