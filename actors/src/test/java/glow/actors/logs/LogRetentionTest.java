package glow.actors.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Reading glow.logs.retention. */
class LogRetentionTest {
  @Test
  void defaultsAreTenMegabytesAndThreeOldFiles() {
    assertEquals(new LogRetention(10L * 1024 * 1024, 3), LogRetention.of(ConfigFactory.load()));
    assertEquals(LogRetention.DEFAULT, LogRetention.of(ConfigFactory.empty()));
  }

  @Test
  void sizesAreHoconSizes() {
    assertEquals(new LogRetention(512 * 1024, 0),
        LogRetention.of(ConfigFactory.parseString("glow.logs.retention { max-bytes = 512K, keep = 0 }")));
  }

  @Test
  void aBadValueSaysWhichKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogRetention.of(ConfigFactory.parseString("glow.logs.retention.max-bytes = 0")));
    assertEquals("glow.logs.retention: max-bytes must be > 0 and keep >= 0 (got 0, 3)", e.getMessage());
  }
}
