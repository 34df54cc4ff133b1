package glow.api;

import glow.actors.instance.InstanceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Turns actor replies into the JSON the API shows; one static utility. */
final class Views {
  private Views() {}

  /** An instance with its uptime in whole seconds (absent while no process runs). */
  static Map<String, Object> instance(InstanceStatus s, Instant now) {
    Map<String, Object> m = Json.map(s);
    if (s.startedAt() != null && s.pid() != null) {
      m.put("uptimeSeconds", Math.max(0, Duration.between(s.startedAt(), now).toSeconds()));
    }
    return m;
  }

  /** True when id names this instance: its key (greeter#1) or its id (greeter:1.0#1). */
  static boolean names(InstanceStatus s, String id) {
    return id.equals(s.key()) || id.equals(s.id());
  }
}
