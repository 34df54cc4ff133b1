package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watchdog's rules, with the halt recorded instead of done (the process tests do it for real). */
@Timeout(20)
class StopDeadlineTest {
  final StringWriter err = new StringWriter();
  final List<String> events = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> halted = new CompletableFuture<>();

  StopDeadline deadline(Duration timeout) {
    return new StopDeadline("glow node", timeout, new PrintWriter(err, true), () -> "phase x", () -> events.add("last rites"),
        code -> {
          events.add("halt " + code);
          halted.complete(code);
        });
  }

  @Test
  void oncePastTheTimeoutItSaysWhatItWaitedForKillsWhatIsLeftThenHaltsWith124() throws Exception {
    StopDeadline d = deadline(Duration.ofMillis(300));
    long start = System.nanoTime();
    d.arm();
    assertEquals(124, halted.get(10, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    assertEquals(List.of("last rites", "halt 124"), events);
    String text = err.toString();
    assertTrue(text.startsWith("glow node: still stopping after the stop timeout (300 ms); it was waiting for: phase x\n"
        + "glow node: threads at that moment:\n"), text);
    assertTrue(text.contains("\"glow-stop-deadline\" RUNNABLE daemon"), text);
    assertTrue(text.endsWith("glow node: killing what is left and halting with exit code 124\n"), text);
  }

  @Test
  void aSecondSignalHaltsAtOnceWith128PlusItsNumber() throws Exception {
    StopDeadline d = deadline(Duration.ofHours(1));
    d.signalled("SIGTERM", 15);
    assertFalse(halted.isDone());
    d.signalled("SIGINT", 2);
    assertEquals(130, halted.getNow(null)); // on the signal's own thread, before it returns
    assertEquals(List.of("last rites", "halt 130"), events);
    assertTrue(err.toString().startsWith("glow node: a second SIGINT arrived while stopping; it was waiting for: phase x\n"), err.toString());
  }

  @Test
  void aDisarmedDeadlineNeverHalts() throws Exception {
    StopDeadline d = deadline(Duration.ofMillis(200));
    d.arm();
    d.disarm();
    // bounded wait for something that must not happen: five times the timeout
    assertThrows(TimeoutException.class, () -> halted.get(1, TimeUnit.SECONDS));
    assertEquals(List.of(), events);
  }

  @Test
  void armingTwiceKeepsTheFirstClock() throws Exception {
    StopDeadline d = deadline(Duration.ofMillis(300));
    d.arm();
    d.arm();
    assertEquals(124, halted.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("last rites", "halt 124"), events); // one watchdog, one halt
  }
}
