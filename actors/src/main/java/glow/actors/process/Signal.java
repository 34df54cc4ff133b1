package glow.actors.process;

/** The three POSIX signals Glow sends to an instance's process group; one constant per signal. */
public enum Signal {
  /** Asks the app to reload its config (the app opts in with on-change: reload). */
  HUP(1),
  /** Asks the app to stop; followed by KILL when the stop grace runs out. */
  TERM(15),
  /** Cannot be caught: the end of a stop. */
  KILL(9);

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /** The Linux signal number (x86-64 and arm64 agree on these three). */
  public int number() {
    return number;
  }
}
