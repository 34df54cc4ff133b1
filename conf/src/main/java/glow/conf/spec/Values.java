package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** The value syntaxes shared by every kind (names, ports, durations, sizes); stateless. */
public final class Values {
  private Values() {}

  /** A lowercase DNS label: app, external, expose, job, port and node names. */
  public static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  public static final String LABEL_RULE = "a lowercase DNS label: a-z, 0-9 and -, at most 63, starting and ending with a letter or digit";
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([KMGT]?)");

  public static boolean isLabel(String s) {
    return s != null && LABEL.matcher(s).matches();
  }

  /** A duration like 500ms, 2s, 1m, 1h or 1d; {@code def} when absent, null after an error. */
  public static Duration duration(YMap m, String key, Duration def) {
    Node n = m.node(key);
    if (n == null) {
      return def;
    }
    String s = m.text(n, m.child(key));
    if (s == null) {
      return null;
    }
    Duration d = parseDuration(s);
    if (d == null || d.isZero()) {
      m.ctx().error(n, m.child(key), "expected a positive duration like 500ms, 2s, 1m, 1h or 1d, found \"" + s + "\"");
    }
    return d == null || d.isZero() ? null : d;
  }

  public static Duration parseDuration(String s) {
    Matcher x = DURATION.matcher(s.trim());
    if (!x.matches()) {
      return null;
    }
    long v = Long.parseLong(x.group(1));
    return switch (x.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      case "h" -> Duration.ofHours(v);
      default -> Duration.ofDays(v);
    };
  }

  /** A size in bytes like 512M (K, M, G, T are powers of 1024; no suffix means bytes). */
  public static Long size(YMap m, String key) {
    Node n = m.node(key);
    if (n == null) {
      return null;
    }
    String s = m.text(n, m.child(key));
    if (s == null) {
      return null;
    }
    Matcher x = SIZE.matcher(s.trim());
    if (!x.matches() || Long.parseLong(x.group(1)) == 0) {
      m.ctx().error(n, m.child(key), "expected a positive size like 512M or 2G (K, M, G, T), found \"" + s + "\"");
      return null;
    }
    int shift = switch (x.group(2)) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      case "T" -> 40;
      default -> 0;
    };
    return Long.parseLong(x.group(1)) << shift;
  }

  /** A TCP/UDP port number; null after an error. */
  public static Integer port(YMap m, Node n, String path) {
    Integer p = m.integer(n, path);
    if (p != null && (p < 1 || p > 65535)) {
      m.ctx().error(n, path, "port " + p + " is out of range, use 1-65535");
      return null;
    }
    return p;
  }

  /** A non-empty value without spaces or slashes (image names, versions). */
  public static String word(YMap m, String key, String example) {
    String s = m.required(key, example);
    if (s != null && !s.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) {
      m.ctx().error(m.node(key), m.child(key), "\"" + s + "\" is not allowed here, use letters, digits, '.', '_', '+' and '-'");
      return null;
    }
    return s;
  }

  /** A repo-relative or instance-relative path: no leading '/', no '..' segment. */
  public static boolean isRelativePath(String s) {
    if (s.isEmpty() || s.startsWith("/") || s.contains("\\")) {
      return false;
    }
    for (String part : s.split("/")) {
      if (part.isEmpty() || part.equals("..") || part.equals(".")) {
        return false;
      }
    }
    return true;
  }

  /** Formats a duration the way the repo writes them, for messages and diffs. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
