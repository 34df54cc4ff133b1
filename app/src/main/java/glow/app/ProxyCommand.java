package glow.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import glow.proxy.Endpoint;
import glow.proxy.HealthCheck;
import glow.proxy.ListenerSettings;
import glow.proxy.ProxyBinding;
import glow.proxy.ProxyTuning;
import glow.proxy.TcpProxy;
import glow.proxy.Upstream;
import glow.proxy.UpstreamSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kamon.Kamon;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glow proxy}: runs the smart TCP proxy standalone in the foreground (no cluster), one listener
 * in front of the given upstream endpoints; Ctrl-C or SIGTERM drains it and exits 0. One per run.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Run the smart TCP proxy standalone in the foreground: balances connections to --listen over the "
        + "--upstream endpoints, retries failed connects on another one, ejects failing ones, falls back to "
        + "--fallback. Ctrl-C or SIGTERM stops accepting, lets open connections finish (--drain-grace) and exits 0.")
public final class ProxyCommand implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Address to listen on, e.g. 127.0.0.1:7001.")
  String listen;

  @Option(names = "--upstream", required = true, paramLabel = "HOST:PORT", description = "An endpoint to forward to; repeat for several.")
  List<String> upstreams = new ArrayList<>();

  @Option(names = "--balance", defaultValue = "round-robin", paramLabel = "NAME|CLASS",
      description = "round-robin, least-connections, random, power-of-two, client-hash, or the class name of your own "
          + "glow.proxy.balance.Balancer on the classpath (java -cp glow.jar:my.jar glow.app.Main proxy ...). Default: ${DEFAULT-VALUE}.")
  String balance;

  @Option(names = "--health", paramLabel = "tcp|http:/PATH", description = "Active health check of each endpoint every 2 s (rise 2, fall 3).")
  String health;

  @Option(names = "--retries", defaultValue = "2", paramLabel = "N", description = "Connect retries on other endpoints. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(names = "--connect-timeout", defaultValue = "1s", paramLabel = "DUR", description = "e.g. 500ms, 2s. Default: ${DEFAULT-VALUE}.")
  String connectTimeout;

  @Option(names = "--fallback", paramLabel = "HOST:PORT", description = "Endpoint used when no --upstream works; repeat for several.")
  List<String> fallbacks = new ArrayList<>();

  @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics at http://HOST:PORT/metrics.")
  String metrics;

  @Option(names = "--idle-timeout", defaultValue = "1h", paramLabel = "DUR", description = "Close connections idle this long. Default: ${DEFAULT-VALUE}.")
  String idleTimeout;

  @Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N", description = "Open connections allowed. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--drain-grace", defaultValue = "10s", paramLabel = "DUR", description = "How long a stop waits for open connections. Default: ${DEFAULT-VALUE}.")
  String drainGrace;

  /** Counted down by SIGINT/SIGTERM (or {@link #requestStop()} in tests). */
  private final CountDownLatch stop = new CountDownLatch(1);
  /** Tests run the command in-process and must not take over the JVM's signals. */
  boolean installSignalHandlers = true;

  /** Asks a running command to drain and return, as a signal would. */
  void requestStop() {
    stop.countDown();
  }

  @Override public Integer call() throws Exception {
    // Every flag is checked before anything starts: a bad one is a usage error (exit 2) that names it.
    Endpoint listenAt = parse("--listen", listen, Endpoint::parse);
    List<Endpoint> primary = new ArrayList<>();
    for (String u : upstreams) primary.add(parse("--upstream", u, Endpoint::parse));
    List<Endpoint> fallback = new ArrayList<>();
    for (String f : fallbacks) fallback.add(parse("--fallback", f, Endpoint::parse));
    Endpoint metricsAt = metrics == null ? null : parse("--metrics", metrics, Endpoint::parse);
    if (retries < 0) throw usage("--retries: " + retries + " is negative (write 0 for no retry)");
    if (maxConnections < 1) throw usage("--max-connections: must be at least 1");
    HealthCheck check = health == null ? null : parse("--health", health, HealthCheck::parse);
    UpstreamSettings settings = UpstreamSettings.defaults()
        .withBalancer(balance)
        .withConnectTimeout(parse("--connect-timeout", connectTimeout, ProxyCommand::duration))
        .withMaxConnectAttempts(retries + 1)
        .withHealthCheck(check);
    ListenerSettings listenerSettings = ListenerSettings.of(listenAt.toString(), listenAt.host(), listenAt.port())
        .withIdleTimeout(parse("--idle-timeout", idleTimeout, ProxyCommand::duration))
        .withMaxConnections(maxConnections)
        .withDrainGrace(parse("--drain-grace", drainGrace, ProxyCommand::duration));
    Upstream primaryUpstream = parse("--balance", balance, b -> new Upstream(String.join(",", upstreams), settings));
    primaryUpstream.setEndpoints(primary);
    Upstream fallbackUpstream = null;
    if (!fallback.isEmpty()) {
      fallbackUpstream = new Upstream(String.join(",", fallbacks), settings);
      fallbackUpstream.setEndpoints(fallback);
    }

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration grace = listenerSettings.drainGrace();
    StopProgress progress = new StopProgress();
    if (installSignalHandlers) {
      installSignalHandlers(StopDeadline.halting("glow proxy", grace.plus(AFTER_DRAIN), err, progress::describe, () -> {}));
    }
    if (metricsAt != null) Kamon.initWithoutAttaching(kamonConfig(metricsAt));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "glow-proxy", systemConfig());
    try {
      ProxyBinding binding;
      try {
        binding = TcpProxy.bind(system, listenerSettings, primaryUpstream, fallbackUpstream).toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        err.println("glow proxy: cannot listen on " + listenAt + ": " + e.getCause().getMessage());
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
      }
      primaryUpstream.startHealthChecks(system);
      if (fallbackUpstream != null) fallbackUpstream.startHealthChecks(system);
      out.println("glow proxy: listening on " + binding.localAddress().getHostString() + ":" + binding.localAddress().getPort()
          + " -> " + String.join(" ", upstreams) + " (" + balance + ")"
          + (fallback.isEmpty() ? "" : ", fallback " + String.join(" ", fallbacks))
          + (metricsAt == null ? "" : ", metrics http://" + metricsAt + "/metrics"));
      out.flush();
      stop.await();
      progress.at("open connections to finish (drain grace " + grace.toSeconds() + " s)");
      ProxyBinding draining = binding;
      NodeRun.attempt(err, "proxy", "draining", () ->
          draining.drain(grace).toCompletableFuture().get(grace.toMillis() + 5000, TimeUnit.MILLISECONDS));
      primaryUpstream.close();
      if (fallbackUpstream != null) fallbackUpstream.close();
      return CommandLine.ExitCode.OK;
    } finally {
      // each step bounded and on its own: a slow one must not skip the next (Kamon's threads would
      // otherwise keep a JVM alive that nothing calls System.exit on)
      progress.at("the actor system to terminate");
      NodeRun.attempt(err, "proxy", "terminating the actor system", () -> {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      });
      progress.at("Kamon to stop");
      NodeRun.attempt(err, "proxy", "stopping Kamon", () ->
          scala.jdk.javaapi.FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(5, TimeUnit.SECONDS));
      progress.at("the JVM to exit");
    }
  }

  /**
   * What a stop may take after the drain grace before the deadline halts the JVM: up to 5 s more
   * for the drain to report, 10 s for the actor system to terminate, 5 s for Kamon, and 5 s to exit.
   */
  static final Duration AFTER_DRAIN = Duration.ofSeconds(25);

  /**
   * Only what a standalone proxy needs: a local actor system with the proxy's tuning, and one
   * dispatcher thread per core (default is at least 8): fewer threads to wake per hop, and 32
   * messages per actor turn batch the chunks of busy connections (docs/proxy.md, "Tuning").
   */
  private static Config systemConfig() {
    int cores = Runtime.getRuntime().availableProcessors();
    // -Dakka.... flags still win, so an operator can override any of this without a rebuild.
    return ConfigFactory.systemProperties()
        .withFallback(ProxyTuning.config())
        .withFallback(ConfigFactory.parseString(String.join("\n",
            "akka.actor.provider = local",
            "akka.loglevel = WARNING",
            "akka.actor.default-dispatcher.fork-join-executor { parallelism-min = " + cores
                + ", parallelism-factor = 1.0, parallelism-max = " + cores + " }",
            "akka.actor.default-dispatcher.throughput = 32",
            "akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            "akka.jvm-shutdown-hooks = off")))
        .withFallback(ConfigFactory.load());
  }

  private static Config kamonConfig(Endpoint metricsAt) {
    return ConfigFactory.parseString(String.join("\n",
            "kamon.prometheus.embedded-server.hostname = \"" + metricsAt.host() + "\"",
            "kamon.prometheus.embedded-server.port = " + metricsAt.port(),
            "kamon.prometheus.include-environment-tags = no",
            "kamon.metric.tick-interval = 5 seconds"))
        .withFallback(ConfigFactory.load());
  }

  @SuppressWarnings("sunapi")
  private void installSignalHandlers(StopDeadline deadline) {
    // sun.misc.Signal instead of a shutdown hook: the JVM then exits with our code (0), not 130/143.
    // The first signal also starts the stop deadline; a second one halts at once.
    for (String name : new String[] {"INT", "TERM"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
        deadline.signalled("SIG" + sig.getName(), sig.getNumber());
        stop.countDown();
      });
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) throw new IllegalArgumentException("\"" + text + "\" is not a duration (write e.g. 500ms, 2s, 5m, 1h)");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private <T> T parse(String flag, String value, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw usage(flag + ": " + e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
