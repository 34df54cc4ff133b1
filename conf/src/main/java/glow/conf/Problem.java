package glow.conf;

import java.util.Comparator;

/**
 * One error found in the config repository; a snapshot holds any number of them, sorted.
 *
 * <p>{@code toString} is the exact line users read: {@code file:line:column: path: message}.
 * Line and column are 1-based; 0 means "the file (or repository) as a whole" and is left out.
 * The path is the field path inside the YAML document ({@code requires[0].fallback}, indexes
 * 0-based); empty when the message is about the whole file.
 */
public record Problem(String file, int line, int column, String path, String message)
    implements Comparable<Problem> {

  private static final Comparator<Problem> ORDER = Comparator.comparing(Problem::file)
      .thenComparingInt(Problem::line)
      .thenComparingInt(Problem::column)
      .thenComparing(Problem::path)
      .thenComparing(Problem::message);

  public Problem {
    file = file == null ? "" : file;
    path = path == null ? "" : path;
  }

  /** A problem about a whole file or the repository, without a position. */
  public static Problem of(String file, String message) {
    return new Problem(file, 0, 0, "", message);
  }

  @Override
  public int compareTo(Problem o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line).append(':').append(column);
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
