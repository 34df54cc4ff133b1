package glow.app;

import akka.actor.typed.Props;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code glow dev [REPO]}: a one-node Glow on this machine, named {@code dev}, that runs the repo
 * and says what it runs and where; one per run. Defaults suit the checkout: the demo repo, the demo
 * artifacts and a git-ignored data dir, all relative to the current directory (or to the checkout
 * the {@code ./glow} script lives in, when the current directory has no such path).
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
        "Run Glow on this machine for development: one node named dev on 127.0.0.1 that runs every deployment of "
            + "REPO placed on node dev, and prints what it runs and where (instances, pids, ports, loopback "
            + "listeners, repo problems).",
        "A plain directory is watched: save a file and it applies at once. A git repository is followed on its "
            + "branch (commits count). Ctrl-C stops every instance (no child process is left) and exits 0.",
        "Defaults: REPO examples/demo, --artifacts examples/artifacts, --data-dir .glow/dev, --name dev, "
            + "--host 127.0.0.1, --cluster-port 0, sync-interval 2s; --config and flags override them.",
        "The node's own log shows warnings and errors only; GLOW_LOG_LEVEL=INFO (or DEBUG) shows all of it."})
public final class DevCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "REPO",
      description = "Config repository: a directory, a local git repository or a git URL. Default: examples/demo.")
  String repo;

  @Mixin NodeOptions options;

  final NodeRun run = new NodeRun();
  boolean installSignalHandlers = true;

  /** Dev defaults: below --config and the flags, above reference.conf. */
  static Map<String, String> defaults(Path base) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("name", "dev");
    d.put("host", "127.0.0.1");
    d.put("cluster-port", "0");
    d.put("seeds", "");
    d.put("repo", located(base, "examples/demo"));
    d.put("artifacts", located(base, "examples/artifacts"));
    d.put("data-dir", located(base, ".glow/dev"));
    d.put("sync-interval", "2s");
    return d;
  }

  @Override
  public Integer call() throws Exception {
    try (DevLogging quiet = DevLogging.quietUnlessAsked(System.getenv("GLOW_LOG_LEVEL"))) {
      return runNode();
    }
  }

  private Integer runNode() throws Exception {
    return run.run("dev", options.configFile(), overrides(), installSignalHandlers, spec.commandLine().getOut(),
        spec.commandLine().getErr(), (node, services) -> node.system().systemActorOf(
            DevPrinter.create(spec.commandLine().getOut(), node.settings().host(), services.topic(), services.listeners()),
            "dev-printer", Props.empty()));
  }

  /** The command-line layer: dev defaults for what --config does not set, then REPO, then the flags. */
  Map<String, String> overrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    Config file = ConfigFactory.empty();
    if (options.config != null && Files.isRegularFile(options.config)) {
      try {
        file = ConfigFactory.parseFile(options.config.toFile());
      } catch (ConfigException e) {
        file = ConfigFactory.empty(); // NodeSettings reports the parse error with the rest
      }
    }
    for (var e : defaults(checkout()).entrySet()) {
      if (!file.hasPath("glow.node." + e.getKey())) overrides.put(e.getKey(), e.getValue());
    }
    if (repo != null) overrides.put("repo", repo);
    overrides.putAll(options.overrides());
    return overrides;
  }

  /** The directory relative defaults start from: here, else the checkout named by $GLOW_HOME (set by ./glow). */
  static Path checkout() {
    Path here = Path.of("").toAbsolutePath();
    if (Files.isDirectory(here.resolve("examples/demo"))) return here;
    String home = System.getenv("GLOW_HOME");
    return home == null || home.isBlank() ? here : Path.of(home);
  }

  private static String located(Path base, String relative) {
    Path here = Path.of("").toAbsolutePath();
    return base.equals(here) ? relative : base.resolve(relative).toString();
  }
}
