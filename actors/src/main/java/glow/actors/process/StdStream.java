package glow.actors.process;

/** Names the two output streams of a child process; one constant per stream. */
public enum StdStream {
  STDOUT,
  STDERR;

  /** Lower-case name as written in log files and shown to users ("stdout"). */
  public String label() {
    return this == STDOUT ? "stdout" : "stderr";
  }
}
