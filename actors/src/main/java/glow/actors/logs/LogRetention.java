package glow.actors.logs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * How much log each instance keeps on its node ({@code glow.logs.retention}): its file is rotated
 * at {@code max-bytes} and {@code keep} rotated files are kept besides it, so an instance uses at
 * most about (keep + 1) * max-bytes of disk; one per node.
 */
public record LogRetention(long maxBytes, int keep) {
  public static final LogRetention DEFAULT = new LogRetention(10L * 1024 * 1024, 3);

  public LogRetention {
    if (maxBytes <= 0 || keep < 0) {
      throw new IllegalArgumentException("glow.logs.retention: max-bytes must be > 0 and keep >= 0 (got "
          + maxBytes + ", " + keep + ")");
    }
  }

  /** Reads {@code glow.logs.retention} (sizes like {@code 10M}); defaults where a key is absent. */
  public static LogRetention of(Config config) {
    try {
      long max = config.hasPath("glow.logs.retention.max-bytes")
          ? config.getBytes("glow.logs.retention.max-bytes") : DEFAULT.maxBytes();
      int keep = config.hasPath("glow.logs.retention.keep") ? config.getInt("glow.logs.retention.keep") : DEFAULT.keep();
      return new LogRetention(max, keep);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("glow.logs.retention: " + e.getMessage(), e);
    }
  }
}
