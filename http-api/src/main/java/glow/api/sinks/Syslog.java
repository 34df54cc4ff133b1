package glow.api.sinks;

import glow.actors.logs.LogLine;
import glow.actors.process.StdStream;
import java.time.format.DateTimeFormatter;

/**
 * Formats a log line as an RFC 5424 syslog message; one static utility.
 *
 * <pre>{@code <14>1 2026-11-22T01:02:03.456Z n1 greeter greeter#1 stdout [glow@32473 node="n1" instance="greeter#1"] hello}</pre>
 *
 * PRI is facility * 8 + severity: stdout lines are informational (6), stderr lines errors (3).
 * HOSTNAME is the node, APP-NAME the app, PROCID the instance key, MSGID the stream. 32473 is the
 * enterprise number RFC 5612 reserves for examples: Glow has none of its own.
 */
final class Syslog {
  private Syslog() {}

  static final int INFO = 6;
  static final int ERR = 3;

  static String format(LogLine l, int facility) {
    int severity = l.stream() == StdStream.STDERR ? ERR : INFO;
    return "<" + (facility * 8 + severity) + ">1 " + DateTimeFormatter.ISO_INSTANT.format(l.timestamp()) + " "
        + field(l.node(), 255) + " " + field(l.app(), 48) + " " + field(l.instance(), 128) + " " + l.stream().label()
        + " [glow@32473 node=\"" + param(l.node()) + "\" instance=\"" + param(l.instance()) + "\"] " + l.text();
  }

  /** A header field: printable US-ASCII without spaces, at most max characters, "-" when empty. */
  private static String field(String s, int max) {
    if (s == null || s.isEmpty()) return "-";
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) if (b.length() < max) b.append(c > 32 && c < 127 ? c : '_');
    return b.toString();
  }

  /** A structured-data value: ", \ and ] escaped with a backslash. */
  private static String param(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }
}
