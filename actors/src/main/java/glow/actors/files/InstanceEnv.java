package glow.actors.files;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Locale;
import java.util.Map;

/** Builds the environment one instance process starts with; stateless. */
public final class InstanceEnv {
  private InstanceEnv() {}

  /**
   * The instance's full environment, in this order of precedence (later wins):
   *
   * <ol>
   *   <li>the node's own environment (PATH, HOME, LANG ... as the node has them);
   *   <li>{@code GLOW_APP}, {@code GLOW_IMAGE}, {@code GLOW_VERSION}, {@code GLOW_INSTANCE} (the
   *       number), {@code GLOW_INSTANCE_ID}, {@code GLOW_NODE}, {@code GLOW_CONFIG} (only when the
   *       app has a config file);
   *   <li>{@code PORT_<NAME>} for every provided port (name upper-cased, - becomes _), and {@code
   *       PORT} for the first one declared;
   *   <li>the app's env, whose values may use ${VAR} of everything above and of app env entries
   *       declared before them.
   * </ol>
   *
   * @param ports provided ports, name to number with the instance's port offset already added, in
   *     declaration order (use a LinkedHashMap)
   * @param configPath absolute path of the app's config file, or null when it has none
   * @param appEnv the app's env, in declaration order
   * @throws UnknownVariableException when an app env value names an undefined variable; the message
   *     names the env key
   */
  public static Map<String, String> build(Map<String, String> nodeEnv, String app, String image, String version,
      int instance, String instanceId, String node, Path configPath, Map<String, Integer> ports,
      Map<String, String> appEnv) throws UnknownVariableException {
    Map<String, String> env = new LinkedHashMap<>(nodeEnv);
    env.put("GLOW_APP", app);
    env.put("GLOW_IMAGE", image);
    env.put("GLOW_VERSION", version);
    env.put("GLOW_INSTANCE", Integer.toString(instance));
    env.put("GLOW_INSTANCE_ID", instanceId);
    env.put("GLOW_NODE", node);
    if (configPath != null) env.put("GLOW_CONFIG", configPath.toAbsolutePath().toString());
    boolean first = true;
    for (Map.Entry<String, Integer> p : ports.entrySet()) {
      String value = Integer.toString(p.getValue());
      env.put(portVar(p.getKey()), value);
      if (first) env.put("PORT", value);
      first = false;
    }
    // names shown as "known" in errors: Glow's and the app's own, not the node's whole environment
    Set<String> shown = new LinkedHashSet<>(env.keySet());
    shown.removeAll(nodeEnv.keySet());
    for (Map.Entry<String, String> e : appEnv.entrySet()) {
      try {
        env.put(e.getKey(), Vars.expand(e.getValue(), env));
      } catch (UnknownVariableException bad) {
        String message = bad.variable().isEmpty() ? bad.getMessage()
            : "unknown variable ${" + bad.variable() + "} (known: " + String.join(", ", shown) + ", and the node's environment)";
        throw new UnknownVariableException(bad.variable(), "env " + e.getKey() + ": " + message);
      }
      shown.add(e.getKey());
    }
    return env;
  }

  /** PORT_ plus the port name upper-cased with - as _ ("admin-http" gives PORT_ADMIN_HTTP). */
  public static String portVar(String portName) {
    return "PORT_" + portName.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
