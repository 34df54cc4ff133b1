package glow.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the glow command line in-process, as a user would type it, capturing what it prints; stateless. */
final class Cli {
  private Cli() {}

  /** The exit code and everything printed to stdout and stderr by one command. */
  record Run(int code, String out, String err) {}

  static Run glow(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
