package glow.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one `glow` executable: a picocli top command whose subcommands are one class each.
 * Exit codes scripts can trust: 0 success, 1 the command's own failure (e.g. an invalid repo),
 * 2 a usage error (unknown command or option, missing argument).
 */
@Command(
    name = "glow",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A damn-simple private PaaS: apps in a git repo, made true on your own machines.",
    subcommands = {DevCommand.class, NodeCommand.class, StatusCommand.class, LogsCommand.class, SyncCommand.class,
        RestartCommand.class, JobsCommand.class, JobCommand.class, ValidateCommand.class, ProxyCommand.class, CommandLine.HelpCommand.class},
    usageHelpAutoWidth = true)
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree with Glow's exit-code and error-message conventions. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExitCodeExceptionMapper(e -> CommandLine.ExitCode.USAGE);
    return cli;
  }

  @Override
  public void run() {
    // `glow` alone: show what it can do, and fail like any other usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: say which one (glow --help lists them)");
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"glow " + (v == null ? "dev" : v)};
    }
  }
}
