package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The dev console's node log: warnings only unless GLOW_LOG_LEVEL asks, and the level comes back after the run. */
class DevLoggingTest {
  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void devRunHidesTheNodesInfoLinesButKeepsWarningsAndRestoresTheLevelAfter() {
    Level before = root().getLevel();
    org.slf4j.Logger akka = LoggerFactory.getLogger("akka.cluster.Cluster");
    try (DevLogging quiet = DevLogging.quietUnlessAsked(null)) {
      assertFalse(akka.isInfoEnabled(), "Akka's start-up INFO lines are not printed during glow dev");
      assertTrue(akka.isWarnEnabled(), "warnings still are");
    }
    assertEquals(before, root().getLevel(), "the previous level is back once the run ends");
  }

  @Test
  void glowLogLevelSetLeavesTheConfiguredLevelAlone() {
    Level before = root().getLevel();
    try (DevLogging quiet = DevLogging.quietUnlessAsked("INFO")) {
      assertEquals(before, root().getLevel());
    }
    assertEquals(before, root().getLevel());
  }
}
