package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SupervisorTimingTest {
  @Test
  void backoffDoublesFromTheMinimumUpToTheMaximum() {
    SupervisorTiming t = SupervisorTiming.defaults();
    assertEquals(Duration.ofSeconds(1), t.backoff(1));
    assertEquals(Duration.ofSeconds(2), t.backoff(2));
    assertEquals(Duration.ofSeconds(32), t.backoff(6));
    assertEquals(Duration.ofSeconds(60), t.backoff(7));
    assertEquals(Duration.ofSeconds(60), t.backoff(1000));
  }

  @Test
  void rejectsAMaximumBelowTheMinimum() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SupervisorTiming(
        Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(30), 3,
        Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(5)));
    assertEquals("back-off must be 0 <= min <= max, got PT5S and PT1S", e.getMessage());
  }
}
