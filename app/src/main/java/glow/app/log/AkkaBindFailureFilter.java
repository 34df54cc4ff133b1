package glow.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.net.BindException;
import org.slf4j.Marker;

/**
 * Drops Akka's own report of a TCP bind that failed (the port is taken, the address is not this
 * host's ...); one per logging context (declared in logback.xml).
 *
 * <p>Akka's {@code akka.io.TcpListener} logs every failed bind as an ERROR with a ~27-line stack trace
 * of a {@link BindException}, then fails the bind; every caller in Glow reports that failure itself, in
 * its own words and with what to do: {@code glow node} (the cluster port, with a hint), the API, the
 * proxy listeners and the expose listeners (a WARN per retry). So the stack trace only buried the clear
 * message. Every other event of that logger (an accept error, a bind failing for another reason) and
 * of every other Akka logger passes unchanged.
 */
public final class AkkaBindFailureFilter extends TurboFilter {
  /** The Akka logger that reports failed binds (akka-actor's akka.io.TcpListener). */
  public static final String LOGGER = "akka.io.TcpListener";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t instanceof BindException && level == Level.ERROR && LOGGER.equals(logger.getName())
        && format != null && format.startsWith("Bind failed")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
