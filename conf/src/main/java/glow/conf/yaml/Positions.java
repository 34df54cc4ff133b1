package glow.conf.yaml;

import glow.conf.Problem;
import java.util.Map;

/**
 * Where each field of one parsed file starts (field path to line and column); one per parsed
 * file, immutable. Lets cross-file validation put its errors on the right line.
 */
public record Positions(String file, Map<String, int[]> byPath) {

  /** A problem at {@code path}, or at its nearest marked parent, or at the top of the file. */
  public Problem problem(String path, String message) {
    return problemNear(path, path, message);
  }

  /** A problem about field {@code path} placed at field {@code near} (for a field left at its default). */
  public Problem problemNear(String near, String path, String message) {
    String p = near;
    while (true) {
      int[] at = byPath.get(p);
      if (at != null) {
        return new Problem(file, at[0], at[1], path, message);
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return new Problem(file, 1, 1, path, message);
      }
      p = p.substring(0, cut);
    }
  }
}
