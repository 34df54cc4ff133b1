package glow.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import glow.actors.artifact.ArtifactStore;
import glow.actors.listener.ListenersSettings;
import glow.actors.logs.LogRetention;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.actors.node.NodeSettings;
import glow.actors.process.OsProcessDriver;
import glow.api.ApiSettings;
import glow.api.GlowApi;
import glow.api.sinks.LogSinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kamon.Kamon;
import picocli.CommandLine;

/**
 * Runs one Glow node in the foreground until it is asked to stop (SIGINT, SIGTERM, {@link
 * #requestStop()}) or the cluster removes it; one per {@code glow node} / {@code glow dev} run.
 *
 * <p>Order matters for "no child left": the process driver reaps what a killed predecessor left
 * before anything starts; on stop the node leaves the cluster, sharding hands off every supervisor
 * (each stops its process group: TERM, grace, KILL), the actor system terminates, and only then is
 * the driver closed, which kills anything still recorded (there should be nothing). A real run
 * (signals on) bounds all of it with a {@link StopDeadline} of {@code glow.node.stop-timeout}, whose
 * last rite is KILLing every instance group before it halts the JVM.
 */
final class NodeRun {
  /** Called once the node is started (not yet Up), to print or watch what it does. */
  interface OnStart {
    void started(GlowNode node, NodeServices services);
  }

  // Environment variables an instance inherits from the node; nothing else leaks into apps.
  private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
      "LC_CTYPE", "TZ", "TMPDIR", "JAVA_HOME");

  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  /** Asks the running node to leave and stop, as SIGTERM does. */
  void requestStop() {
    stopRequested.set(true);
    stop.countDown();
  }

  /**
   * Loads the settings (every problem printed, exit 2), starts the node and blocks until it has
   * stopped. Returns 0 after a requested stop, 1 when the node failed to start or was removed.
   */
  int run(String command, java.util.Optional<Path> configFile, Map<String, String> overrides, boolean signals,
      PrintWriter out, PrintWriter err, OnStart onStart) throws Exception {
    NodeSettings settings;
    try {
      Map<String, String> o = new LinkedHashMap<>(overrides);
      // this command exits by itself once the node stopped, with an exit code that says why
      o.put("exit-jvm-on-shutdown", "off");
      settings = NodeSettings.load(configFile, o);
    } catch (NodeSettings.Invalid e) {
      err.println("glow " + command + ": invalid node settings:");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    Path dataDir = settings.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      err.println("glow " + command + ": cannot create data dir " + dataDir + ": " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }

    ApiSettings apiSettings;
    try {
      apiSettings = ApiSettings.of(settings);
    } catch (IllegalArgumentException e) {
      err.println("glow " + command + ": " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    try {
      LogRetention.of(settings.config()); // the supervisors read it; a bad value must stop us here
    } catch (IllegalArgumentException e) {
      err.println("glow " + command + ": " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    String generatedToken = null;
    if (command.equals("dev") && apiSettings.tokens().isEmpty()) {
      // glow dev is for one person on one machine: a fresh token per run, printed below
      generatedToken = ApiTokens.generate();
      apiSettings = apiSettings.withTokens(List.of(generatedToken));
    }
    OsProcessDriver driver = new OsProcessDriver(dataDir.resolve("processes"));
    for (OsProcessDriver.Reaped r : driver.reapLeftovers()) {
      out.println("glow: killed processes " + r.killedPids() + " left in group " + r.pgid() + " by a previous run");
    }
    String artifactBase = settings.artifacts().orElse(dataDir.resolve("artifacts").toString());
    ArtifactStore artifacts = new ArtifactStore(artifactBase, dataDir.resolve("artifact-cache"));
    NodeLogHub logs = new NodeLogHub(10_000, 10_000);
    LogSinks sinks;
    try {
      sinks = LogSinks.start(settings.config(), logs);
    } catch (LogSinks.Invalid e) {
      logs.close();
      driver.close();
      err.println("glow " + command + ": " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    StopProgress progress = new StopProgress();
    // only a real run (signals on) may halt its JVM; in-process tests stop without a watchdog
    StopDeadline deadline = !signals ? null : StopDeadline.halting("glow " + command, settings.stopTimeout(), err,
        progress::describe, () -> {
          List<Long> killed = driver.killAllNow(java.time.Duration.ofSeconds(3));
          err.println("glow " + command + ": killed instance process groups " + killed);
        });
    NodeServices services = new NodeServices(new NodeServices.Parts(driver, artifacts, logs,
        settings.supervisor(), ListenersSettings.defaults(), nodeEnv()));
    Kamon.initWithoutAttaching(kamonConfig(settings.config()));
    GlowNode node = null;
    try {
      try {
        node = GlowNode.start(settings, services);
      } catch (RuntimeException e) {
        // e.g. the cluster port is taken (Akka fails to bind while creating the system)
        String why = rootMessage(e);
        err.println("glow " + command + ": node " + settings.name() + " did not start: " + why);
        if (why.contains("Address already in use")) {
          err.println("  hint: another process (another glow node or glow dev?) listens on cluster port "
              + settings.clusterPort() + "; stop it, or give this node another --cluster-port (0 = any free port)");
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
      }
      progress.followPhases(node.system());
      if (deadline != null) installSignalHandlers(deadline);
      out.println("glow: node " + settings.name() + " starting at " + node.cluster().selfMember().address()
          + (settings.bootstrap().isPresent()
              ? ", joining by bootstrap (" + settings.bootstrap().get().discoveryMethod() + " discovery of "
                  + settings.bootstrap().get().serviceName() + ")"
              : settings.seeds().isEmpty() ? " (forms its own cluster)" : ", joining " + settings.seeds())
          + settings.clusterTls().map(t -> ", cluster traffic over TLS (key store " + t.keyStore() + ")").orElse(""));
      out.println("glow: repo " + settings.repo().orElse("(none)") + ", artifacts " + artifactBase + ", data dir " + dataDir);
      out.flush();
      onStart.started(node, services);
      // after the printer and the signal handlers: binding takes a moment and must not delay either
      GlowApi api;
      try {
        api = GlowApi.start(node, services, logs, apiSettings);
      } catch (IllegalStateException | IllegalArgumentException e) {
        err.println("glow " + command + ": " + e.getMessage());
        err.flush();
        stopRequested.set(true); // a deliberate stop, not a removal from the cluster
        if (deadline != null) deadline.arm();
        node.stop().toCompletableFuture().get(120, TimeUnit.SECONDS);
        return CommandLine.ExitCode.USAGE;
      }
      out.println("glow: API and dashboard at " + api.url() + "/" + (generatedToken == null ? ""
          : " (API token for this run: " + generatedToken + "; e.g. GLOW_TOKEN=" + generatedToken + " "
              + cliName(System.getenv("GLOW_HOME"), Path.of("").toAbsolutePath()) + " sync)"));
      out.flush();
      GlowNode running = node;
      // whichever comes first: a stop request, or the system terminating by itself (downed, left)
      running.system().getWhenTerminated().thenRun(stop::countDown);
      stop.await();
      if (deadline != null) deadline.arm(); // also when the cluster removed us: a stop is a stop
      if (stopRequested.get()) {
        out.println("glow: leaving the cluster and stopping every instance...");
        out.flush();
      }
      // the coordinated shutdown bounds each phase; the deadline (a real run) bounds the whole
      long bound = settings.stopTimeout().toMillis();
      running.stop().toCompletableFuture().get(bound, TimeUnit.MILLISECONDS);
      running.system().getWhenTerminated().toCompletableFuture().get(bound, TimeUnit.MILLISECONDS);
      return stopRequested.get() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    } finally {
      // each step on its own: one that fails or times out must not skip killing the processes
      if (node != null && !node.system().whenTerminated().isCompleted()) {
        progress.at("the actor system to terminate");
        GlowNode n = node;
        attempt(err, command, "terminating the actor system", () -> {
          n.system().terminate();
          n.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        });
      }
      progress.at("the process driver to stop what is left");
      attempt(err, command, "stopping the instance processes", driver::close); // normally nothing is left
      progress.at("the log sinks to forward the last lines");
      attempt(err, command, "closing the log sinks", () -> {
        sinks.close(); // a short grace to forward the last lines
        logs.close();
      });
      progress.at("Kamon to stop");
      attempt(err, command, "stopping Kamon", () ->
          scala.jdk.javaapi.FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(10, TimeUnit.SECONDS));
      progress.at("the JVM to exit");
      if (!stopRequested.get() && node != null) {
        err.println("glow " + command + ": node " + settings.name() + " was removed from the cluster; stopped");
        err.flush();
      }
      out.println("glow: node " + settings.name() + " stopped");
      out.flush();
    }
  }

  /** A step of the final clean-up that may fail. */
  interface Step {
    void run() throws Exception;
  }

  /** Runs one clean-up step; a failure is printed and the next steps still run. */
  static void attempt(PrintWriter err, String command, String what, Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("glow " + command + ": interrupted while " + what);
    } catch (Exception e) {
      err.println("glow " + command + ": " + what + " failed: " + e);
    }
    err.flush();
  }

  /**
   * How to call the CLI from here, for the hints this command prints: {@code ./glow} from the checkout
   * the {@code ./glow} script runs (it sets GLOW_HOME), its full path from elsewhere, else {@code glow}.
   */
  static String cliName(String glowHome, Path cwd) {
    if (glowHome == null || glowHome.isBlank()) return "glow";
    Path script = Path.of(glowHome).toAbsolutePath().normalize().resolve("glow");
    return script.getParent().equals(cwd.toAbsolutePath().normalize()) ? "./glow" : script.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return root == e || root.getMessage() == null || m.contains(root.getMessage()) ? m : m + " (" + root.getMessage() + ")";
  }

  /** What every instance starts from: a few variables of the node's own, and JAVA_HOME of this JVM. */
  static Map<String, String> nodeEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED_ENV) {
      String v = System.getenv(name);
      if (v != null) env.put(name, v);
    }
    // the demo apps' bin/start run $JAVA_HOME/bin/java: default to the JVM the node runs on
    env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  /** Kamon reads kamon.* from the node config; its own Prometheus server stays off (it binds 0.0.0.0). */
  static Config kamonConfig(Config nodeConfig) {
    Config c = ConfigFactory.parseString("kamon.prometheus.start-embedded-http-server = no").withFallback(nodeConfig);
    // Kamon's default tick (60 s) makes the dashboard's rates jump once a minute; 5 s unless set otherwise
    if (!c.hasPath("kamon.metric.tick-interval") || c.getDuration("kamon.metric.tick-interval").equals(java.time.Duration.ofSeconds(60))) {
      c = ConfigFactory.parseString("kamon.metric.tick-interval = 5s").withFallback(c);
    }
    return c;
  }

  @SuppressWarnings("sunapi")
  private void installSignalHandlers(StopDeadline deadline) {
    // sun.misc.Signal rather than a shutdown hook: the node leaves gracefully and the JVM exits 0,
    // not 143; the first signal also starts the stop deadline, a second one halts at once
    for (String name : new String[] {"INT", "TERM"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
        deadline.signalled("SIG" + sig.getName(), sig.getNumber());
        requestStop();
      });
    }
  }
}
