package glow.app.cluster;

import glow.app.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code glow node} JVM that a test started as a user would ({@code glow.app.Main node} and the
 * flags), with its output appended to a log file; one per node, and only this object ever signals
 * its process (by its own PID).
 */
final class NodeJvm {
  // A node needs ~100 MB of heap here; Serial GC and C1 only keep three of them (plus their apps)
  // from starving each other and the test on 2 cores.
  private static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  final String name;
  final int apiPort;
  final Path dataDir;
  final Path log;
  private final List<String> nodeArgs;
  private Process process;

  /** {@code nodeArgs}: what follows {@code glow node} on the command line. */
  NodeJvm(String name, int apiPort, Path dataDir, Path log, List<String> nodeArgs) {
    this.name = name;
    this.apiPort = apiPort;
    this.dataDir = dataDir;
    this.log = log;
    this.nodeArgs = List.copyOf(nodeArgs);
  }

  /** Starts the JVM, or starts it again with the same flags (same ports, same data dir) after it died. */
  void start() throws IOException {
    if (process != null && process.isAlive()) throw new IllegalStateException("node " + name + " is already running (pid " + process.pid() + ")");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node"));
    cmd.addAll(nodeArgs);
    Files.writeString(log, "---- " + Instant.now() + " test starts: " + String.join(" ", cmd.subList(cmd.indexOf("node"), cmd.size())) + "\n",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  String api() {
    return "http://127.0.0.1:" + apiPort;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL to this node's JVM (a crash: no leave, no hand-off), then waits until it is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("node " + name + " (pid " + process.pid() + ") survived SIGKILL");
  }

  /** SIGTERM (the node leaves and stops its instances), SIGKILL after {@code graceSeconds}. */
  void stop(int graceSeconds) throws InterruptedException {
    if (!alive()) return;
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) kill9();
  }

  /** Whether {@code pid} is a process below this node's JVM (so the node started it). */
  boolean isAncestorOf(long pid) {
    return alive() && process.descendants().anyMatch(p -> p.pid() == pid);
  }

  /** The last {@code lines} lines of this node's output, for a failure report. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
