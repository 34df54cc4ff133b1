package glow.conf.spec;

/** What happens to a running instance when its config file content changes; three values. */
public enum OnChange {
  /** Rewrite the file and send the process SIGHUP. */
  RELOAD,
  /** Rewrite the file and restart the process (the default: every app understands it). */
  RESTART,
  /** Rewrite the file only; the app watches it itself. */
  NONE;

  public static OnChange parse(String s) {
    return switch (s) {
      case "reload" -> RELOAD;
      case "restart" -> RESTART;
      case "none" -> NONE;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase();
  }
}
