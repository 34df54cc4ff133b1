package glow.actors.process;

/**
 * How one process ended: an exit code or a signal; one value per ended process.
 *
 * <p>Java reports a child killed by signal N as exit value 128+N, the same convention shells use,
 * so {@link #of(int)} reads values 129..192 as signals: a program that calls exit(143) itself is
 * indistinguishable from one killed by TERM, on purpose of being honest about what the JDK tells.
 */
public sealed interface ExitStatus {
  /** Exited by itself with this code (0..128). */
  record Exited(int code) implements ExitStatus {
    @Override
    public String toString() {
      return "exited with code " + code;
    }
  }

  /** Killed by this signal number. */
  record Killed(int signal) implements ExitStatus {
    @Override
    public String toString() {
      return "killed by signal " + signal;
    }
  }

  /** True for a clean exit (code 0). */
  default boolean success() {
    return this instanceof Exited e && e.code() == 0;
  }

  /** Reads a JDK exit value (128+N means killed by signal N). */
  static ExitStatus of(int exitValue) {
    if (exitValue > 128 && exitValue <= 128 + 64) {
      return new Killed(exitValue - 128);
    }
    return new Exited(exitValue);
  }
}
