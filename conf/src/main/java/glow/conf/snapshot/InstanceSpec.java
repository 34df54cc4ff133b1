package glow.conf.snapshot;

import glow.conf.spec.AppSpec;
import glow.conf.spec.HealthSpec;
import glow.conf.spec.LimitsSpec;
import java.util.List;
import java.util.Map;

/**
 * Everything the node runtime needs to run one instance, resolved from its deployment file,
 * its app and the repo; one per deployment in a snapshot, plus one per job describing its runs
 * (key "job:NAME", instance 0, no provided ports, no health check).
 *
 * @param key            "app#n", stable across versions: the sharding entity id
 * @param id             "image:version#n", what users see (GLOW_INSTANCE_ID)
 * @param ports          provided ports by name, with the port-offset applied, in provides order
 * @param config         null when the app has no config file
 * @param health         null when only "the process runs" is checked
 * @param deploymentFile repo path of the deployment file
 */
public record InstanceSpec(String key, String id, String app, AppSpec spec, String node, int instance,
                           int portOffset, Map<String, ProvidedPort> ports, List<ResolvedRequire> requires,
                           ConfigFile config, HealthSpec health, LimitsSpec limits,
                           String deploymentFile) {
  public InstanceSpec {
    ports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ports));
    requires = List.copyOf(requires);
  }
}
