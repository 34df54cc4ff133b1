package glow.api.logs;

import glow.actors.CborSerializable;
import glow.actors.logs.LogLine;

/**
 * Which lines a log query wants; null fields match everything; one per query.
 *
 * @param app an app name ({@code greeter})
 * @param instance an instance key ({@code greeter#1}) or id ({@code greeter:1.0#1}); an id matches
 *     the key with the same app and number, since lines carry keys; a job run's key
 *     ({@code job:report#3}) is taken as it is
 * @param node a node name
 */
public record LogFilter(String app, String instance, String node) implements CborSerializable {
  public static final LogFilter ALL = new LogFilter(null, null, null);

  public LogFilter {
    app = blankToNull(app);
    instance = blankToNull(instance);
    node = blankToNull(node);
    if (instance != null && instance.contains(":") && instance.contains("#") && !instance.startsWith("job:")) {
      // image:version#n -> app#n is only right when image == app; keys are what lines carry
      instance = instance.substring(0, instance.indexOf(':')) + instance.substring(instance.lastIndexOf('#'));
    }
  }

  public boolean test(LogLine l) {
    return (app == null || app.equals(l.app())) && (instance == null || instance.equals(l.instance()))
        && (node == null || node.equals(l.node()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
