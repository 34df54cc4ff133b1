package glow.actors.housekeeping;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a node cleans its data dir ({@code glow.node.housekeeping}); one per node, part of its
 * node settings.
 *
 * @param keepVersions unpacked versions per image kept besides those the snapshot in force uses on
 *     this node, the most recently used first (for a quick rollback); 0 keeps none
 * @param interval time between two passes (a repo change also starts one)
 * @param artifactGrace a version not in use is removed only when it was not fetched nor seen in use
 *     for this long; longer than the longest job run, which keeps its version's directory until it ends
 * @param removedInstanceRetention the work dir and log files of an instance no longer deployed on
 *     this node are removed once it was last seen deployed, and its logs last written, this long ago;
 *     likewise the directory of a job no longer in the repo (last seen in it or running here)
 */
public record HousekeepingSettings(int keepVersions, Duration interval, Duration artifactGrace,
    Duration removedInstanceRetention) {
  public static final String PATH = "glow.node.housekeeping";
  private static final String PREFIX = PATH + ".";
  private static final Set<String> KEYS = Set.of("keep-versions", "interval", "artifact-grace",
      "removed-instance-retention");
  /**
   * Below this grace a version fetched for a start could be taken away before its process opened
   * it (a fetch, a config write and a fork take seconds on a loaded machine).
   */
  public static final Duration MIN_GRACE = Duration.ofMinutes(1);

  /** The reference.conf values: keep 2 versions, every 10 minutes, 1 hour grace, 7 days retention. */
  public static HousekeepingSettings defaults() {
    return new HousekeepingSettings(2, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofDays(7));
  }

  /**
   * Reads and checks {@code glow.node.housekeeping}; adds one line per problem (naming the key and
   * where its value came from) and returns null when there is any.
   */
  public static HousekeepingSettings read(Config c, List<String> problems) {
    int before = problems.size();
    if (!c.hasPath(PATH) || c.getValue(PATH).valueType() != ConfigValueType.OBJECT) {
      problems.add(origin(c, PATH) + PATH + ": must be a block { keep-versions, interval, artifact-grace, "
          + "removed-instance-retention }");
      return null;
    }
    for (String key : new TreeSet<>(c.getConfig(PATH).root().keySet())) {
      if (!KEYS.contains(key)) {
        bad(c, problems, key, "unknown setting (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
    }
    Integer keep = null;
    try {
      keep = c.getInt(PREFIX + "keep-versions");
      if (keep < 0) bad(c, problems, "keep-versions", keep + " must not be negative (0 keeps only the versions in use)");
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    Duration interval = duration(c, problems, "interval", Duration.ofSeconds(1), "e.g. 10m");
    Duration grace = duration(c, problems, "artifact-grace", MIN_GRACE,
        "a version fetched for a start must outlive the start; e.g. 1h");
    Duration retention = duration(c, problems, "removed-instance-retention", MIN_GRACE,
        "a stopping instance still writes its log; e.g. 7d");
    if (problems.size() > before) return null;
    return new HousekeepingSettings(keep, interval, grace, retention);
  }

  private static Duration duration(Config c, List<String> problems, String key, Duration min, String hint) {
    try {
      Duration d = c.getDuration(PREFIX + key);
      if (d.compareTo(min) < 0) {
        bad(c, problems, key, d + " is below the minimum " + min + " (" + hint + ")");
      }
      return d;
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return null;
    }
  }

  private static void bad(Config c, List<String> problems, String key, String what) {
    problems.add(origin(c, PREFIX + key) + PREFIX + key + ": " + what);
  }

  private static String origin(Config c, String path) {
    try {
      return c.getValue(path).origin().description() + ": ";
    } catch (ConfigException e) {
      return "";
    }
  }
}
