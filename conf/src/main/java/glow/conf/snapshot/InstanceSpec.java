package glow.conf.snapshot;

import glow.conf.spec.AppSpec;
import glow.conf.spec.HealthSpec;
import glow.conf.spec.LimitsSpec;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the node runtime needs to run one instance, resolved from its deployment file,
 * its app and the repo; one per deployment in a snapshot, plus one per job describing its runs
 * (key "job:NAME", instance 0, no provided ports, no health check).
 *
 * @param key            "app#n", stable across versions: the sharding entity id
 * @param id             "image:version#n", what users see (GLOW_INSTANCE_ID)
 * @param ports          provided ports by name, with the port-offset applied, in provides order
 * @param config         null when the app has no config file
 * @param env            the process environment Glow adds: the app's env, then GLOW_* and PORT_* variables
 * @param health         null when only "the process runs" is checked
 * @param deploymentFile repo path of the deployment file
 */
public record InstanceSpec(String key, String id, String app, AppSpec spec, String node, int instance,
                           int portOffset, Map<String, ProvidedPort> ports, List<ResolvedRequire> requires,
                           ConfigFile config, Map<String, String> env, HealthSpec health, LimitsSpec limits,
                           String deploymentFile) {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  public InstanceSpec {
    ports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ports));
    requires = List.copyOf(requires);
    env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
  }

  /** The command with {@code ${VAR}} replaced from {@link #env()}; unknown variables stay as written. */
  public List<String> command() {
    return spec.command().stream().map(this::substitute).toList();
  }

  /** The config file content with {@code ${VAR}} replaced from {@link #env()}; null without a config file. */
  public String renderConfig() {
    return config == null ? null : substitute(config.content());
  }

  /** Replaces {@code ${VAR}} from {@link #env()}; unknown variables stay as written. */
  public String substitute(String text) {
    Matcher m = VAR.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      m.appendReplacement(b, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    return m.appendTail(b).toString();
  }
}
