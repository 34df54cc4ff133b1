package glow.conf.spec;

import glow.conf.yaml.YMap;

/**
 * Resource limits of each instance of an app; one per app, every field null = unlimited.
 *
 * @param memory    bytes
 * @param processes most processes/threads the instance may run
 */
public record LimitsSpec(Long memory, Integer processes) {
  public static final LimitsSpec NONE = new LimitsSpec(null, null);

  static LimitsSpec read(YMap app) {
    YMap m = app.map("limits");
    if (m == null) {
      return NONE;
    }
    m.only("memory", "processes");
    Long memory = Values.size(m, "memory");
    Integer processes = m.integer("processes");
    if (processes != null && processes < 1) {
      m.ctx().error(m.node("processes"), m.child("processes"), "processes must be at least 1, found " + processes);
      processes = null;
    }
    return new LimitsSpec(memory, processes);
  }
}
