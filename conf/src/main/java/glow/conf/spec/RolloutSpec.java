package glow.conf.spec;

import glow.conf.yaml.YMap;

/**
 * How a new version replaces running instances of an app; one per app.
 *
 * @param maxUnavailable how many instances of the app may be stopped at once during a rollout
 */
public record RolloutSpec(int maxUnavailable) {
  public static final RolloutSpec DEFAULT = new RolloutSpec(1);

  static RolloutSpec read(YMap app) {
    YMap m = app.map("rollout");
    if (m == null) {
      return DEFAULT;
    }
    m.only("max-unavailable");
    Integer max = m.integer("max-unavailable");
    if (max != null && max < 1) {
      m.ctx().error(m.node("max-unavailable"), m.child("max-unavailable"), "max-unavailable must be at least 1, found " + max);
      max = null;
    }
    return new RolloutSpec(max == null ? 1 : max);
  }
}
