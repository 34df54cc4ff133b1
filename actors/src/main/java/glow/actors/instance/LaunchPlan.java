package glow.actors.instance;

import glow.actors.files.InstanceEnv;
import glow.actors.process.Limits;
import glow.actors.files.UnknownVariableException;
import glow.actors.files.Vars;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.ProvidedPort;
import glow.conf.spec.LimitsSpec;
import glow.conf.spec.OnChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What one instance spec means on this node once its variables are expanded: the launch identity
 * and the rendered config file; one per spec the supervisor (or a job run) looks at. Pure: no I/O.
 *
 * <p>The supervisor compares {@link #launch()} of the running process with the desired one: any
 * difference replaces the process; a difference only in the config content is applied by
 * rewriting the file and then following {@code on-change}.
 *
 * @param launch everything that requires a new process when it changes
 * @param configFile absolute path of the config file, null when the app has none
 * @param config the rendered config content (UTF-8), null when the app has none
 * @param configVersion first 12 hex digits of sha256(config), null when the app has none
 */
public record LaunchPlan(Launch launch, Path configFile, byte[] config, String configVersion, OnChange onChange) {

  /**
   * The process-shaping part of a spec. The command is kept as expanded, before command[0] is
   * resolved against the artifact directory (which is only known after the fetch).
   */
  public record Launch(String image, String version, List<String> command, Map<String, String> env,
      Map<String, Integer> ports, LimitsSpec limits, String runAsUser, String configPath) {

    /**
     * The argv to run: a relative command[0] with a slash ({@code bin/start}) is a path inside the
     * artifact; a bare name is looked up on the PATH; the rest is passed as it is.
     */
    public List<String> command(Path artifactDir) {
      List<String> out = new ArrayList<>(command);
      String first = out.get(0);
      if (first.contains("/") && !Path.of(first).isAbsolute()) out.set(0, artifactDir.resolve(first).toString());
      return out;
    }

    public Limits processLimits() {
      return new Limits(limits.memory() == null ? OptionalLong.empty() : OptionalLong.of(limits.memory()),
          limits.processes() == null ? OptionalInt.empty() : OptionalInt.of(limits.processes()));
    }

    /** What differs from next, for humans: "version, ports changed". */
    String changesTo(Launch next) {
      List<String> d = new ArrayList<>();
      if (!image.equals(next.image)) d.add("image");
      if (!version.equals(next.version)) d.add("version");
      if (!command.equals(next.command)) d.add("command");
      // GLOW_IMAGE, GLOW_VERSION and GLOW_INSTANCE_ID follow image and version: not news of their own
      Map<String, String> a = new LinkedHashMap<>(env);
      Map<String, String> b = new LinkedHashMap<>(next.env);
      for (String derived : List.of("GLOW_IMAGE", "GLOW_VERSION", "GLOW_INSTANCE_ID")) {
        a.remove(derived);
        b.remove(derived);
      }
      if (!a.equals(b)) d.add("env");
      if (!ports.equals(next.ports)) d.add("ports");
      if (!limits.equals(next.limits)) d.add("limits");
      if (!Objects.equals(runAsUser, next.runAsUser)) d.add("user");
      if (!Objects.equals(configPath, next.configPath)) d.add("config path");
      return String.join(", ", d) + " changed";
    }
  }

  /**
   * Expands env, command and config of spec for this node.
   *
   * @param instanceDir the instance's working directory (the config path is relative to it)
   * @throws UnknownVariableException with a message that names the instance, the field and what to do
   */
  public static LaunchPlan of(InstanceSpec spec, Path instanceDir, Map<String, String> nodeEnv, String runAsUser)
      throws UnknownVariableException {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (ProvidedPort p : spec.ports().values()) ports.put(p.name(), p.port());
    Path configFile = spec.config() == null ? null : instanceDir.resolve(spec.config().path()).toAbsolutePath();
    String appFile = "apps/" + spec.app() + ".yaml";
    Map<String, String> env;
    try {
      env = InstanceEnv.build(nodeEnv, spec.app(), spec.spec().image(), spec.spec().version(), spec.instance(),
          spec.id(), spec.node(), configFile, ports, spec.spec().env());
    } catch (UnknownVariableException e) {
      throw new UnknownVariableException(e.variable(), where(spec) + e.getMessage() + "; fix env in " + appFile);
    }
    List<String> command = new ArrayList<>();
    List<String> declared = spec.spec().command();
    for (int i = 0; i < declared.size(); i++) {
      command.add(expand(spec, declared.get(i), env, nodeEnv, "command[" + i + "]", "fix command in " + appFile
          + " or define the variable under env"));
    }
    byte[] config = null;
    String configVersion = null;
    OnChange onChange = OnChange.NONE;
    if (spec.config() != null) {
      String text = expand(spec, spec.config().content(), env, nodeEnv, "config " + spec.config().path()
          + " (from " + spec.config().source() + ")", "fix " + spec.config().source()
          + " or define the variable under env in " + appFile + " (write $${ for a literal ${)");
      config = text.getBytes(StandardCharsets.UTF_8);
      configVersion = sha256(config).substring(0, 12);
      onChange = spec.config().onChange();
    }
    Launch launch = new Launch(spec.spec().image(), spec.spec().version(), List.copyOf(command), env, ports,
        spec.limits() == null ? LimitsSpec.NONE : spec.limits(), runAsUser,
        spec.config() == null ? null : spec.config().path());
    return new LaunchPlan(launch, configFile, config, configVersion, onChange);
  }

  /** "instance web#1 (web:1.4.2#1): ", the start of every message about one instance. */
  public static String where(InstanceSpec spec) {
    return "instance " + spec.key() + " (" + spec.id() + "): ";
  }

  private static String expand(InstanceSpec spec, String template, Map<String, String> env,
      Map<String, String> nodeEnv, String field, String todo) throws UnknownVariableException {
    try {
      return Vars.expand(template, env);
    } catch (UnknownVariableException e) {
      if (e.variable().isEmpty()) {
        throw new UnknownVariableException("", where(spec) + field + ": " + e.getMessage());
      }
      // list Glow's and the app's variables, not the node's whole environment
      Set<String> known = new LinkedHashSet<>(env.keySet());
      known.removeAll(nodeEnv.keySet());
      throw new UnknownVariableException(e.variable(), where(spec) + field + ": unknown variable ${" + e.variable()
          + "} (known: " + String.join(", ", known) + ", and the node's environment); " + todo);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
