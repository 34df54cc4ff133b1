package glow.actors.instance;

import glow.actors.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance as the API and dashboard show it; one per state change of a supervisor (plain
 * fields only: it crosses nodes).
 *
 * @param key "app#n", stable across versions
 * @param id "image:version#n" of the desired version (the one running or being started)
 * @param state fetching | starting | running | unhealthy | backoff | stopping | stopped | failed
 * @param detail a sentence for humans: what is happening or what went wrong and what to do
 * @param pid the process's pid (also its process group id), null when none runs
 * @param ports provided port name to the port the process binds (offset applied)
 * @param healthy true while the endpoints are registered
 * @param restarts restarts since this supervisor started (exits, Restart, config restarts)
 * @param startedAt when the current process started, null when none runs
 * @param lastExitCode the last exit code, or 128+N for a kill by signal N; null before any exit
 * @param lastExitReason "exited with code 3", "killed by signal 9"; null before any exit
 * @param configVersion first 12 hex digits of the sha256 of the rendered config file, null without
 * @param since when the instance entered this state
 */
public record InstanceStatus(String key, String id, String app, String image, String version, String node,
    String state, String detail, Long pid, Map<String, Integer> ports, boolean healthy, int restarts,
    Instant startedAt, Integer lastExitCode, String lastExitReason, String configVersion, Instant since)
    implements CborSerializable {

  public InstanceStatus {
    // declaration order, as the app's provides lists them
    ports = ports == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(ports));
  }
}
