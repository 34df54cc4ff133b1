package glow.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code glow node}: runs one Glow node in the foreground (cluster member, repo sync, instance
 * supervisors, loopback proxies) until SIGINT or SIGTERM, then leaves the cluster gracefully with
 * no child process left; one per run.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
        "Run a Glow node in the foreground: join the cluster, follow the config repository and run the instances "
            + "it places on this node, with their loopback proxies.",
        "Settings: reference.conf < --config FILE < -D KEY=VALUE < flags. Ctrl-C or SIGTERM leaves the cluster, stops "
            + "every instance (no child process is left) and exits 0. Bad settings: every problem is printed, exit 2.",
        "A stop still running after glow.node.stop-timeout (auto: 170 s by default) says what it waits for, kills the "
            + "instances and exits 124; a second Ctrl-C or SIGTERM does that at once (exit 130 or 143)."})
public final class NodeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin NodeOptions options;

  final NodeRun run = new NodeRun();
  /** Tests run the command in-process and must not take over the JVM's signals. */
  boolean installSignalHandlers = true;

  @Override
  public Integer call() throws Exception {
    return run.run("node", options.configFile(), options.overrides(), installSignalHandlers,
        spec.commandLine().getOut(), spec.commandLine().getErr(), (node, services) -> {});
  }
}
