package glow.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * The node log's level during one {@code glow dev} run; one per run. The dev console already prints
 * every repo version, instance change and listener in its own words, so the node's INFO log (Akka's
 * start-up chatter, the same events again with timestamps) is left out unless GLOW_LOG_LEVEL asks for
 * it: warnings and errors still show.
 */
final class DevLogging implements AutoCloseable {
  private final Logger root;
  private final Level before;

  private DevLogging(Logger root, Level before) {
    this.root = root;
    this.before = before;
  }

  /**
   * Sets the root level to WARN unless {@code glowLogLevel} (the GLOW_LOG_LEVEL variable) is set;
   * {@link #close()} puts the previous level back (an embedding JVM or a test keeps its own).
   */
  static DevLogging quietUnlessAsked(String glowLogLevel) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return new DevLogging(null, null);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    if (glowLogLevel == null || glowLogLevel.isBlank()) root.setLevel(Level.WARN);
    return new DevLogging(root, before);
  }

  @Override
  public void close() {
    if (root != null) root.setLevel(before);
  }
}
