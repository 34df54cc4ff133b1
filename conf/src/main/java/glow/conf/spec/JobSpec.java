package glow.conf.spec;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import glow.conf.yaml.YMap;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cron-scheduled one-off run of an app, read from {@code jobs/NAME.yaml}; one per job file.
 *
 * @param schedule UNIX cron, 5 fields: minute hour day-of-month month day-of-week
 * @param command  null = the app's command
 * @param overlap  what to do when a run is due while the previous one still runs
 * @param timeout  a run still going after this long is stopped; null = no limit
 * @param catchUp  after downtime, run once for the missed schedule (true) or wait for the next (false)
 * @param keep     how many finished runs (logs and exit codes) are kept
 */
public record JobSpec(String name, String app, String node, String schedule, ZoneId timeZone,
                      List<String> command, Overlap overlap, Duration timeout, boolean catchUp, int keep) {
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** What a due run does while the previous run is still going; three values. */
  public enum Overlap {
    /** Skip the new run (the default). */
    FORBID,
    /** Start it beside the old one. */
    ALLOW,
    /** Stop the old run, then start the new one. */
    REPLACE;

    @Override
    public String toString() {
      return name().toLowerCase();
    }
  }

  public JobSpec {
    timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
    command = command == null ? null : List.copyOf(command);
    overlap = overlap == null ? Overlap.FORBID : overlap;
  }

  /** The parsed schedule (cron-utils, UNIX definition). */
  public Cron cron() {
    return CRON.parse(schedule);
  }

  public static JobSpec read(YMap m, String name) {
    m.only("app", "node", "schedule", "time-zone", "command", "overlap", "timeout", "catch-up", "keep");
    String app = DeploymentSpec.label(m, "app", "app: web");
    String node = DeploymentSpec.label(m, "node", "node: n1");
    String schedule = m.required("schedule", "schedule: 0 3 * * *");
    if (schedule != null) {
      try {
        CRON.parse(schedule).validate();
      } catch (IllegalArgumentException e) {
        if (schedule.startsWith("@")) {
          m.ctx().error(m.node("schedule"), "schedule", "nicknames like " + schedule + " are not supported, write 5 fields, e.g. \"0 0 * * *\" for daily");
        } else {
          m.ctx().error(m.node("schedule"), "schedule", "cannot read \"" + schedule + "\" as 5-field unix cron (minute hour day month weekday), "
              + clean(e.getMessage()));
        }
      }
    }
    ZoneId zone = null;
    String z = m.str("time-zone");
    if (z != null) {
      try {
        zone = ZoneId.of(z);
      } catch (DateTimeException e) {
        m.ctx().error(m.node("time-zone"), "time-zone", "unknown time zone \"" + z + "\", use a name like Europe/Paris or UTC");
      }
    }
    List<String> command = m.strings("command");
    if (command != null && command.isEmpty()) {
      m.ctx().error(m.node("command"), "command", "empty command, remove the key to use the app's command");
    }
    Overlap overlap = null;
    String o = m.str("overlap");
    if (o != null) {
      switch (o) {
        case "forbid" -> overlap = Overlap.FORBID;
        case "allow" -> overlap = Overlap.ALLOW;
        case "replace" -> overlap = Overlap.REPLACE;
        default -> m.ctx().error(m.node("overlap"), "overlap", "unknown overlap \"" + o + "\", use forbid, allow or replace");
      }
    }
    Duration timeout = Values.duration(m, "timeout", null);
    Boolean catchUp = m.bool("catch-up");
    Integer keep = m.integer("keep");
    if (keep != null && (keep < 1 || keep > 1000)) {
      m.ctx().error(m.node("keep"), "keep", "keep must be 1-1000, found " + keep);
    }
    return new JobSpec(name, app, node, schedule, zone, command, overlap, timeout,
        catchUp != null && catchUp, keep == null ? 20 : keep);
  }

  private static String clean(String s) {
    String one = s == null ? "invalid" : s.replaceAll("\\s+", " ").trim();
    // cron-utils writes "Failed to parse cron expression. Value 61 not in range [0, 59]"
    Matcher sentence = Pattern.compile("\\. (\\p{Upper})").matcher(one);
    StringBuilder b = new StringBuilder();
    while (sentence.find()) {
      sentence.appendReplacement(b, ": " + sentence.group(1).toLowerCase());
    }
    one = sentence.appendTail(b).toString();
    one = one.isEmpty() ? one : Character.toLowerCase(one.charAt(0)) + one.substring(1);
    while (one.endsWith(".") || one.endsWith("!")) {
      one = one.substring(0, one.length() - 1);
    }
    return one;
  }
}
