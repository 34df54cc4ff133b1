package glow.app;

import static glow.app.Cli.glow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.TestArtifacts;
import glow.app.Cli.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code glow node} and {@code glow dev} run in-process: settings errors, layering, and a real run that stops clean. */
class NodeCommandTest {
  @TempDir Path tmp;

  @Test
  @Timeout(30)
  void badSettingsPrintEveryProblemAndExitTwo() {
    Run r = glow("node", "--name", "Bad_Name", "--cluster-port", "70000", "--seed", "nope", "--api", "x",
        "--data-dir", tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("glow node: invalid node settings:\n"), r.err());
    assertTrue(r.err().contains("glow.node.name: \"Bad_Name\" is not a node name"), r.err());
    assertTrue(r.err().contains("glow.node.cluster-port: 70000 is not a port (use 0-65535)"), r.err());
    assertTrue(r.err().contains("glow.node.seeds: seeds[0] \"nope\" is not host:port (port 1-65535)"), r.err());
    assertTrue(r.err().contains("glow.node.api: \"x\" is not host:port (e.g. 127.0.0.1:7700)"), r.err());
    assertTrue(r.err().contains("command line --seed: glow.node.seeds:"), "names the flag as typed: " + r.err());

    Run word = glow("node", "--cluster-port", "abc", "--data-dir", tmp.toString());
    assertEquals(2, word.code());
    assertTrue(word.err().contains("command line --cluster-port: glow.node.cluster-port: \"abc\" is not a port (use 0-65535)"),
        word.err());
  }

  @Test
  @Timeout(30)
  void aMissingConfigFileAndAnUnknownKeyAreUsageErrors() throws IOException {
    Run missing = glow("node", "--config", tmp.resolve("nope.conf").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--config " + tmp.resolve("nope.conf") + ": no such file"), missing.err());

    Path conf = Files.writeString(tmp.resolve("node.conf"), "glow.node { name = n1, colour = blue }\n");
    Run unknown = glow("node", "--config", conf.toString(), "--data-dir", tmp.toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("glow.node.colour: unknown setting"), unknown.err());
  }

  @Test
  @Timeout(30)
  void aMissingClusterTlsKeyStoreIsAUsageErrorNamingTheKey() throws IOException {
    Path trust = Files.writeString(tmp.resolve("trust.p12"), "not a store");
    Path conf = Files.writeString(tmp.resolve("node.conf"), "glow.node.cluster-tls {\n  key-store = \""
        + tmp.resolve("n1.p12") + "\"\n  trust-store = \"" + trust + "\"\n  key-store-password = a\n"
        + "  trust-store-password = b\n}\n");
    Run r = glow("node", "--config", conf.toString(), "--data-dir", tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(conf + ": 2: glow.node.cluster-tls.key-store: " + tmp.resolve("n1.p12") + ": no such file"),
        r.err());
    assertTrue(r.err().contains(conf + ": 3: glow.node.cluster-tls.trust-store: " + trust + ": not a PKCS12 or JKS key store"),
        r.err());
  }

  @Test
  @Timeout(60)
  void aTakenClusterPortExitsOneAndSaysWhyWithoutAkkasStackTrace() throws IOException {
    // logback configured by app's logback.xml, as in a real run (the tests' classpath has a logback-test.xml,
    // which logback prefers); what it lets through to the console is caught on the root logger
    ch.qos.logback.classic.LoggerContext context =
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    java.net.URL config = NodeCommandTest.class.getResource("/logback.xml");
    assertTrue(config != null && config.toString().contains("/app/target/classes/"), "app's own logback.xml: " + config);
    context.reset();
    ch.qos.logback.classic.joran.JoranConfigurator joran = new ch.qos.logback.classic.joran.JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(config);
    } catch (ch.qos.logback.core.joran.spi.JoranException e) {
      throw new AssertionError("app's logback.xml: " + e.getMessage(), e);
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r = glow("node", "--cluster-port", Integer.toString(taken.getLocalPort()), "--data-dir", tmp.toString(),
          "-D", "akka.coordinated-shutdown.run-by-jvm-shutdown-hook=off");
      // the ActorSystem (and its logger) has terminated when glow returns: Akka's bind ERROR, had it passed, is here
      List<String> traces = logged.list.stream().filter(e -> e.getThrowableProxy() != null)
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + " (" + e.getThrowableProxy().getClassName() + ")")
          .toList();
      assertEquals(List.of(), traces, "no stack trace before Glow's own message");
      assertTrue(logged.list.stream().anyMatch(e -> e.getLoggerName().startsWith("akka.")),
          "the appender sees Akka's log (else the check above proves nothing): " + logged.list);
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains("glow node: node dev did not start: Failed to bind TCP to [127.0.0.1:"
          + taken.getLocalPort() + "]"), r.err());
      assertTrue(r.err().contains("  hint: another process (another glow node or glow dev?) listens on cluster port "
          + taken.getLocalPort() + "; stop it, or give this node another --cluster-port (0 = any free port)"), r.err());
    } finally {
      // back to the tests' own configuration for the next test in this JVM
      context.reset();
      try {
        new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
      } catch (ch.qos.logback.core.joran.spi.JoranException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void devDefaultsSitBelowTheConfigFileWhichSitsBelowTheFlags() throws IOException {
    Path conf = Files.writeString(tmp.resolve("dev.conf"), "glow.node { name = laptop, data-dir = \"/tmp/x\" }\n");
    CommandLine cli = Main.commandLine();
    cli.parseArgs("dev", "--config", conf.toString(), "--data-dir", "/tmp/y", "-D", "akka.loglevel=DEBUG", "my-repo");
    DevCommand dev = cli.getSubcommands().get("dev").getCommand();
    Map<String, String> o = dev.overrides();
    assertTrue(!o.containsKey("name"), "the file's name wins over the dev default: " + o);
    assertEquals("/tmp/y", o.get("data-dir"), "the flag wins over the file");
    assertEquals("my-repo", o.get("repo"));
    assertEquals("127.0.0.1", o.get("host"));
    assertEquals("0", o.get("cluster-port"));
    assertEquals("DEBUG", o.get("akka.loglevel"));
  }

  @Test
  @Timeout(90)
  void devRunsADirectoryRepoFollowsItsEditsAndStopsWithNoChildLeft() throws Exception {
    Path artifacts = tmp.resolve("artifacts");
    TestArtifacts.tarGz(artifacts, "sleeper", "1.0.0", Map.of("bin/start", "#!/bin/sh\nexec sleep 600\n"));
    Path repo = tmp.resolve("repo");
    write(repo.resolve("apps/sleeper.yaml"), "image: sleeper\nversion: 1.0.0\n");
    write(repo.resolve("deployments/sleeper-1.yaml"), "app: sleeper\nnode: dev\n");
    write(repo.resolve("deployments/sleeper-2.yaml"), "app: sleeper\nnode: dev\ninstance: 2\n");

    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    DevCommand dev = cli.getSubcommands().get("dev").getCommand();
    dev.installSignalHandlers = false;
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("dev", repo.toString(),
        "--artifacts", artifacts.toString(), "--data-dir", tmp.resolve("data").toString(), "--api", "127.0.0.1:0",
        "-D", "akka.coordinated-shutdown.run-by-jvm-shutdown-hook=off"));
    try {
      await(() -> out.toString().contains("sleeper#1      running") && out.toString().contains("sleeper#2      running"),
          "both sleepers running", out);
      assertEquals(2, children().size(), children().toString());
      assertTrue(out.toString().contains("repo version dir-"), out.toString());

      Files.delete(repo.resolve("deployments/sleeper-2.yaml")); // the watched directory: no sync needed
      await(() -> out.toString().contains("sleeper#2      stopped"), "sleeper#2 stopped", out);
      await(() -> children().size() == 1, "one child left running", out);
    } finally {
      dev.run.requestStop();
    }
    assertEquals(0, exit.get(60, TimeUnit.SECONDS), out.toString());
    assertEquals(List.of(), children(), "no child process left");
    assertTrue(out.toString().contains("glow: node dev stopped"), out.toString());
  }

  static List<Long> children() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false)).map(ProcessHandle::pid).toList();
  }

  static void await(BooleanSupplier condition, String what, StringWriter out) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(45);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what + "; output:\n" + out);
      TimeUnit.MILLISECONDS.sleep(50); // poll period
    }
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
