package glow.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import glow.actors.housekeeping.HousekeepingSettings;
import glow.actors.instance.SupervisorTiming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The validated settings of one Glow node (one per JVM), read from {@code glow.node} of a layered
 * HOCON config: {@code reference.conf} < the {@code --config} file < command-line overrides.
 *
 * @param stopTimeout how long {@code glow node} may take to stop before it halts ({@code
 *     glow.node.stop-timeout}; {@code auto} = {@link #worstCaseShutdown} plus {@link #AFTER_SHUTDOWN})
 * @param supervisor the timings of this node's instance supervisors ({@code glow.node.supervisor})
 * @param housekeeping what the node removes from its data dir, and when ({@code glow.node.housekeeping})
 * @param clusterTls key and trust store of the cluster transport; empty = plain TCP
 * @param bootstrap how to find the other nodes by Akka Management cluster bootstrap; empty = by
 *     {@code seeds} (or alone)
 * @param config the whole resolved config, with {@code glow.akka} lifted to {@code akka}; other
 *     packages read their own {@code glow.*} keys from it
 */
public record NodeSettings(
    String name,
    String host,
    int clusterPort,
    List<HostPort> seeds,
    Optional<String> repo,
    String branch,
    Duration syncInterval,
    Optional<String> artifacts,
    Path dataDir,
    HostPort api,
    Optional<String> runAsUser,
    boolean exitJvmOnShutdown,
    Duration stopTimeout,
    SupervisorTiming supervisor,
    HousekeepingSettings housekeeping,
    Optional<ClusterTls> clusterTls,
    Optional<BootstrapSettings> bootstrap,
    Config config) {

  /** Name of the actor system on every node; seed addresses and entity paths depend on it. */
  public static final String SYSTEM_NAME = "glow";

  /** Prefix of the cluster role that carries the Glow node name: {@code glow-node:n2}. */
  public static final String ROLE_PREFIX = "glow-node:";

  /**
   * What {@code glow node} still does after its actor system terminated, at most: the process
   * driver's last stop (5 s grace, 5 s wait), the log sinks' last flush and Kamon's stop (10 s).
   */
  public static final Duration AFTER_SHUTDOWN = Duration.ofSeconds(30);

  private static final String NODE = "glow.node.";
  // A node name is part of a role, an entity id ("n2/web#1") and file names: keep it plain.
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Set<String> KEYS = Set.of("name", "host", "cluster-port", "seeds", "repo",
      "branch", "sync-interval", "artifacts", "data-dir", "api", "run-as-user", "exit-jvm-on-shutdown",
      "stop-timeout", "supervisor", "housekeeping", "cluster-tls", "bootstrap");
  private static final String SUPERVISOR = "supervisor.";
  private static final Set<String> SUPERVISOR_KEYS = Set.of("backoff-min", "backoff-max", "stable-after",
      "failed-retry", "health-falls", "drain", "stop-grace", "start-timeout", "rollout-settle", "rollout-renew",
      "rollout-lease");

  /** A "host:port" pair as written in seeds and api. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Thrown when the settings are unusable; the message lists every problem, one per line. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    Invalid(List<String> problems) {
      super("invalid node settings:\n  " + String.join("\n  ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** The cluster role that names this node. */
  public String role() {
    return ROLE_PREFIX + name;
  }

  /**
   * Loads and validates the settings.
   *
   * @param configFile the {@code --config} file, if any; a missing or unparsable file is an error
   * @param overrides command-line values: a bare key ({@code cluster-port}, as the flag is spelled)
   *     means {@code glow.node.<key>}, a dotted key ({@code akka.loglevel}) is a full path;
   *     {@code seeds} takes a comma-separated list
   * @throws Invalid listing every problem, each naming the key and where its value came from
   */
  public static NodeSettings load(Optional<Path> configFile, Map<String, String> overrides) {
    List<String> problems = new ArrayList<>();
    Config user = commandLine(overrides, problems).withFallback(file(configFile, problems));
    if (!problems.isEmpty()) throw new Invalid(problems);
    try {
      Config all = user.withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
      // The operator's own akka.* beats Glow's node defaults, which beat Akka's reference.
      Config operatorAkka = user.withOnlyPath("akka").resolveWith(all);
      Config lifted = all.getConfig("glow.akka").atKey("akka");
      return fromConfig(operatorAkka.withFallback(lifted).withFallback(all));
    } catch (ConfigException e) {
      throw new Invalid(List.of(e.getMessage()));
    }
  }

  /** Validates {@code glow.node} of an already layered and resolved config. */
  public static NodeSettings fromConfig(Config c) {
    List<String> problems = new ArrayList<>();
    if (c.hasPath("glow.node")) {
      for (String key : new TreeSet<>(c.getConfig("glow.node").root().keySet())) {
        if (!KEYS.contains(key)) {
          problems.add(origin(c, NODE + key) + NODE + key + ": unknown setting (known: "
              + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
      }
    }
    Reader r = new Reader(c, problems);
    String name = r.string("name");
    if (name != null && !NAME.matcher(name).matches()) {
      r.bad("name", "\"" + name + "\" is not a node name (lower-case letters, digits and '-', e.g. n2)");
    }
    String host = r.string("host");
    if (host != null && (host.isBlank() || host.chars().anyMatch(Character::isWhitespace))) {
      r.bad("host", "\"" + host + "\" is not a host name or IP address");
    }
    Integer clusterPort = r.port("cluster-port", true);
    List<HostPort> seeds = new ArrayList<>();
    List<String> seedTexts = r.stringList("seeds");
    if (seedTexts != null) {
      for (int i = 0; i < seedTexts.size(); i++) {
        HostPort seed = parseHostPort(seedTexts.get(i), false);
        if (seed == null) {
          r.bad("seeds", "seeds[" + i + "] \"" + seedTexts.get(i) + "\" is not host:port (port 1-65535)");
        } else {
          seeds.add(seed);
        }
      }
    }
    Optional<String> repo = r.optionalString("repo");
    String branch = r.string("branch");
    if (branch != null && branch.isBlank()) r.bad("branch", "must not be empty (e.g. main)");
    Duration syncInterval = r.duration("sync-interval");
    Optional<String> artifacts = r.optionalString("artifacts");
    String dataDir = r.string("data-dir");
    if (dataDir != null && dataDir.isBlank()) r.bad("data-dir", "must not be empty (e.g. glow-data)");
    String apiText = r.string("api");
    HostPort api = apiText == null ? null : parseHostPort(apiText, true);
    if (apiText != null && api == null) r.bad("api", "\"" + apiText + "\" is not host:port (e.g. 127.0.0.1:7700)");
    Optional<String> runAsUser = r.optionalString("run-as-user");
    Boolean exitJvm = r.bool("exit-jvm-on-shutdown");
    Duration stopTimeout = stopTimeout(c, r);
    SupervisorTiming supervisor = supervisor(c, r);
    HousekeepingSettings housekeeping = HousekeepingSettings.read(c, problems);
    Optional<BootstrapSettings> bootstrap = BootstrapSettings.read(c, seeds, host, api, problems);
    // last: it opens files, and names the host its certificate must carry
    Optional<ClusterTls> clusterTls = ClusterTls.read(c, host, problems);
    if (!problems.isEmpty()) throw new Invalid(problems);
    return new NodeSettings(name, host, clusterPort, List.copyOf(seeds), repo, branch, syncInterval,
        artifacts, Path.of(dataDir), api, runAsUser, exitJvm, stopTimeout, supervisor, housekeeping, clusterTls, bootstrap, c);
  }

  /** Reads glow.node.stop-timeout: a positive duration, or auto. */
  private static Duration stopTimeout(Config c, Reader r) {
    String key = NODE + "stop-timeout";
    if (c.hasPath(key) && c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING
        && c.getString(key).trim().equals("auto")) {
      try {
        return worstCaseShutdown(c).plus(AFTER_SHUTDOWN);
      } catch (ConfigException e) {
        r.problems().add(e.getMessage());
        return null;
      }
    }
    return r.duration("stop-timeout");
  }

  /**
   * How long Akka's coordinated shutdown takes when every enabled phase (leave, shard hand-off,
   * which drains and stops the instances, exiting, terminate ...) runs into its timeout in turn:
   * the sum of {@code akka.coordinated-shutdown.phases.*.timeout}, {@code default-phase-timeout}
   * for a phase that sets none.
   */
  public static Duration worstCaseShutdown(Config c) {
    Config cs = c.getConfig("akka.coordinated-shutdown");
    Duration fallback = cs.getDuration("default-phase-timeout");
    Duration sum = Duration.ZERO;
    Config phases = cs.getConfig("phases");
    for (String phase : phases.root().keySet()) {
      Config p = phases.getConfig("\"" + phase + "\"");
      if (p.hasPath("enabled") && !p.getBoolean("enabled")) continue;
      sum = sum.plus(p.hasPath("timeout") ? p.getDuration("timeout") : fallback);
    }
    return sum;
  }

  /** Reads glow.node.supervisor; null (with the problems added) when any key is unusable. */
  private static SupervisorTiming supervisor(Config c, Reader r) {
    if (c.hasPath(NODE + "supervisor") && c.getValue(NODE + "supervisor").valueType()
        == com.typesafe.config.ConfigValueType.OBJECT) {
      for (String key : new TreeSet<>(c.getConfig(NODE + "supervisor").root().keySet())) {
        if (!SUPERVISOR_KEYS.contains(key)) {
          r.bad(SUPERVISOR + key, "unknown setting (known: " + String.join(", ", new TreeSet<>(SUPERVISOR_KEYS)) + ")");
        }
      }
    }
    int before = r.problems().size();
    Duration backoffMin = r.durationAtLeastZero(SUPERVISOR + "backoff-min");
    Duration backoffMax = r.duration(SUPERVISOR + "backoff-max");
    Duration stableAfter = r.duration(SUPERVISOR + "stable-after");
    Duration failedRetry = r.duration(SUPERVISOR + "failed-retry");
    Integer healthFalls = r.positiveInt(SUPERVISOR + "health-falls");
    Duration drain = r.durationAtLeastZero(SUPERVISOR + "drain");
    Duration stopGrace = r.durationAtLeastZero(SUPERVISOR + "stop-grace");
    Duration startTimeout = r.duration(SUPERVISOR + "start-timeout");
    Duration settle = r.durationAtLeastZero(SUPERVISOR + "rollout-settle");
    Duration renew = r.duration(SUPERVISOR + "rollout-renew");
    Duration lease = r.duration(SUPERVISOR + "rollout-lease");
    if (r.problems().size() > before) return null;
    if (backoffMax.compareTo(backoffMin) < 0) {
      r.bad(SUPERVISOR + "backoff-max", backoffMax + " is below backoff-min " + backoffMin + " (make it at least that)");
      return null;
    }
    if (lease.compareTo(renew.multipliedBy(2)) <= 0) {
      r.bad(SUPERVISOR + "rollout-lease", lease + " must be more than twice rollout-renew " + renew
          + " (a permit must survive one lost renewal), e.g. 5s with renew 1s");
      return null;
    }
    return new SupervisorTiming(backoffMin, backoffMax, stableAfter, failedRetry, healthFalls, drain, stopGrace,
        startTimeout, settle, renew, lease);
  }

  /**
   * The config for the node's ActorSystem: this config plus what is derived from {@code glow.node}
   * (canonical address, the role naming this node, seed nodes, exit on shutdown, the TLS transport
   * when {@code cluster-tls} is set, Akka Management bootstrap when {@code bootstrap} is).
   */
  public Config akkaConfig() {
    List<String> roles = new ArrayList<>();
    if (config.hasPath("akka.cluster.roles")) {
      // keep operator roles, but never a second Glow node name
      config.getStringList("akka.cluster.roles").stream()
          .filter(role -> !role.startsWith(ROLE_PREFIX)).forEach(roles::add);
    }
    roles.add(role());
    List<String> seedNodes = seeds.stream().map(s -> "akka://" + SYSTEM_NAME + "@" + s).toList();
    Config tls = clusterTls.map(ClusterTls::akkaConfig).orElse(ConfigFactory.empty());
    Config join = bootstrap.map(b -> b.akkaConfig(host, api.port())).orElse(ConfigFactory.empty());
    return tls.withFallback(join)
        .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
        .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(clusterPort))
        .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes))
        .withValue("akka.coordinated-shutdown.exit-jvm", ConfigValueFactory.fromAnyRef(exitJvmOnShutdown))
        .withFallback(config);
  }

  private static Config file(Optional<Path> path, List<String> problems) {
    if (path.isEmpty()) return ConfigFactory.empty();
    Path p = path.get();
    if (!Files.isRegularFile(p)) {
      problems.add("--config " + p + ": no such file (give the path of a HOCON file, e.g. node.conf)");
      return ConfigFactory.empty();
    }
    try {
      return ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return ConfigFactory.empty();
    }
  }

  /** The keys of glow.node that have a flag of their own (glow node --name ...); the rest come from -D. */
  static final Set<String> FLAGS =
      Set.of("name", "host", "cluster-port", "seeds", "repo", "branch", "artifacts", "data-dir", "api");

  private static Config commandLine(Map<String, String> overrides, List<String> problems) {
    Config c = ConfigFactory.empty();
    for (var e : overrides.entrySet()) {
      String key = e.getKey();
      String path = key.contains(".") ? key : NODE + key;
      // a key with a flag is named as the flag (--seed, repeatable, sets seeds); any other came from -D
      String origin = FLAGS.contains(key) ? "command line --" + (key.equals("seeds") ? "seed" : key)
          : "command line -D " + key;
      try {
        ConfigValue value = path.equals(NODE + "seeds")
            ? ConfigValueFactory.fromIterable(
                Arrays.stream(e.getValue().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(), origin)
            : ConfigValueFactory.fromAnyRef(e.getValue(), origin);
        c = c.withValue(path, value);
      } catch (ConfigException ex) {
        problems.add(origin + ": \"" + key + "\" is not a setting name (" + ex.getMessage() + ")");
      }
    }
    return c;
  }

  /** Parses "host:port"; null when malformed. Port 0 is allowed only where zeroOk. */
  static HostPort parseHostPort(String text, boolean zeroOk) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) return null;
    String host = text.substring(0, colon).trim();
    try {
      int port = Integer.parseInt(text.substring(colon + 1).trim());
      if (host.isEmpty() || port < (zeroOk ? 0 : 1) || port > 65535) return null;
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String origin(Config c, String path) {
    try {
      return c.getValue(path).origin().description() + ": ";
    } catch (ConfigException e) {
      return "";
    }
  }

  /** Reads glow.node keys, turning every failure into a problem line instead of an exception. */
  private record Reader(Config c, List<String> problems) {
    void bad(String key, String what) {
      problems.add(origin(c, NODE + key) + NODE + key + ": " + what);
    }

    String string(String key) {
      try {
        return c.getString(NODE + key);
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Optional<String> optionalString(String key) {
      String s = string(key);
      return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    List<String> stringList(String key) {
      try {
        return c.getStringList(NODE + key);
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Integer port(String key, boolean zeroOk) {
      try {
        if (c.hasPath(NODE + key) && c.getValue(NODE + key).valueType() == com.typesafe.config.ConfigValueType.STRING
            && !c.getString(NODE + key).trim().matches("-?[0-9]+")) {
          bad(key, "\"" + c.getString(NODE + key) + "\" is not a port (use " + (zeroOk ? "0" : "1") + "-65535)");
          return null;
        }
        int port = c.getInt(NODE + key);
        if (port < (zeroOk ? 0 : 1) || port > 65535) {
          bad(key, port + " is not a port (use " + (zeroOk ? "0" : "1") + "-65535)");
        }
        return port;
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Duration duration(String key) {
      try {
        Duration d = c.getDuration(NODE + key);
        if (d.isNegative() || d.isZero()) bad(key, d + " must be positive (e.g. 10s)");
        return d;
      } catch (ConfigException.WrongType | ConfigException.BadValue e) {
        bad(key, "\"" + c.getValue(NODE + key).unwrapped() + "\" is not a duration (e.g. 500ms, 10s, 1m)");
        return null;
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Duration durationAtLeastZero(String key) {
      try {
        Duration d = c.getDuration(NODE + key);
        if (d.isNegative()) bad(key, d + " must not be negative (0s turns it off)");
        return d;
      } catch (ConfigException.WrongType | ConfigException.BadValue e) {
        bad(key, "\"" + c.getValue(NODE + key).unwrapped() + "\" is not a duration (e.g. 500ms, 10s, 1m)");
        return null;
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Integer positiveInt(String key) {
      try {
        int n = c.getInt(NODE + key);
        if (n < 1) bad(key, n + " must be at least 1");
        return n;
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }

    Boolean bool(String key) {
      try {
        return c.getBoolean(NODE + key);
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return null;
      }
    }
  }
}
