package glow.app.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.net.BindException;
import org.junit.jupiter.api.Test;

/** The filter drops only Akka's report of a failed bind (which Glow reports itself); other Akka errors pass. */
class AkkaBindFailureFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final AkkaBindFailureFilter filter = new AkkaBindFailureFilter();
  private final Logger tcpListener = context.getLogger(AkkaBindFailureFilter.LOGGER);

  @Test
  void dropsTheTcpListenersBindFailureForATakenAddress() {
    assertEquals(FilterReply.DENY, filter.decide(null, tcpListener, Level.ERROR,
        "Bind failed for TCP channel on endpoint [/127.0.0.1:7354]", null,
        new BindException("[/127.0.0.1:7354] Address already in use")));
  }

  @Test
  void letsEveryOtherErrorThrough() {
    // an accept error of the same logger
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, tcpListener, Level.ERROR,
        "Accept error: could not accept new connection", null, new IOException("Too many open files")));
    // a bind that fails with something else than the socket's BindException
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, tcpListener, Level.ERROR,
        "Bind failed for TCP channel on endpoint [/127.0.0.1:7354]", null, new IllegalStateException("selector closed")));
    // the same BindException from another logger (e.g. Glow's own)
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, context.getLogger("glow.app.NodeRun"), Level.ERROR,
        "Bind failed for TCP channel on endpoint [/127.0.0.1:7354]", null, new BindException("Address already in use")));
    // the same message without a throwable, and at another level
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, tcpListener, Level.ERROR, "Bind failed", null, null));
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, tcpListener, Level.WARN, "Bind failed", null,
        new BindException("Address already in use")));
  }
}
