package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * One application, read from {@code apps/NAME.yaml}; one per app file.
 *
 * @param name     the file name without .yaml
 * @param image    artifact name in the artifact repository
 * @param command  argv, default [bin/start]; ${VAR} is replaced from the instance environment at start
 * @param env      extra environment, in file order
 * @param provides named ports, in file order (the first TCP one is the default health port)
 * @param config   null when the app has no config file
 * @param health   null when only "the process runs" is checked
 */
public record AppSpec(String name, String image, String version, List<String> command,
                      Map<String, String> env, Map<String, PortSpec> provides, List<RequireSpec> requires,
                      List<String> tags, ConfigSpec config, HealthSpec health, LimitsSpec limits,
                      RolloutSpec rollout) {
  public static final List<String> DEFAULT_COMMAND = List.of("bin/start");

  public AppSpec {
    command = command == null || command.isEmpty() ? DEFAULT_COMMAND : List.copyOf(command);
    env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    provides = provides == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provides));
    requires = requires == null ? List.of() : List.copyOf(requires);
    tags = tags == null ? List.of() : List.copyOf(tags);
    limits = limits == null ? LimitsSpec.NONE : limits;
    rollout = rollout == null ? RolloutSpec.DEFAULT : rollout;
  }

  /** Reads the top-level mapping of an app file; problems go to the mapping's context. */
  public static AppSpec read(YMap m, String name) {
    m.only("image", "version", "command", "env", "provides", "requires", "tags", "config", "health", "limits", "rollout");
    String image = Values.word(m, "image", "image: " + name);
    String version = Values.word(m, "version", "version: 1.0.0");
    List<String> command = m.strings("command");
    if (command != null && command.isEmpty()) {
      m.ctx().error(m.node("command"), "command", "empty command, remove the key to use [bin/start]");
    }
    Map<String, String> env = readEnv(m);
    Map<String, PortSpec> provides = PortSpec.readAll(m, "provides");
    List<RequireSpec> requires = RequireSpec.readAll(m);
    List<String> tags = m.strings("tags");
    List<org.yaml.snakeyaml.nodes.Node> tagNodes = tags == null ? List.of() : m.list("tags");
    for (int i = 0; i < tagNodes.size(); i++) {
      if (tagNodes.get(i) instanceof org.yaml.snakeyaml.nodes.ScalarNode t && !Values.isLabel(t.getValue())) {
        m.ctx().error(t, "tags[" + i + "]", "tag \"" + t.getValue() + "\" must be " + Values.LABEL_RULE);
      }
    }
    return new AppSpec(name, image, version, command, env, provides, requires, tags,
        ConfigSpec.read(m), HealthSpec.read(m, provides), LimitsSpec.read(m), RolloutSpec.read(m));
  }

  private static Map<String, String> readEnv(YMap app) {
    Map<String, String> env = new LinkedHashMap<>();
    YMap m = app.map("env");
    if (m == null) {
      return env;
    }
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String key = e.getKey();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        m.ctx().error(e.getValue().getKeyNode(), m.child(key), "\"" + key + "\" is not an environment variable name, use letters, digits and _");
        continue;
      }
      if (key.startsWith("GLOW_") || key.startsWith("PORT_")) {
        m.ctx().error(e.getValue().getKeyNode(), m.child(key), "GLOW_ and PORT_ variables are set by glow, rename " + key);
        continue;
      }
      String value = YMap.isNull(e.getValue().getValueNode()) ? "" : m.text(e.getValue().getValueNode(), m.child(key));
      if (value != null) {
        env.put(key, value);
      }
    }
    return env;
  }
}
