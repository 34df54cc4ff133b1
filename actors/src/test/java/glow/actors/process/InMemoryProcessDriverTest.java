package glow.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class InMemoryProcessDriverTest {
  @TempDir Path dir;
  final InMemoryProcessDriver driver = new InMemoryProcessDriver();
  final List<OutputLine> lines = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    driver.close();
  }

  ProcessSpec spec() {
    return ProcessSpec.of(dir, List.of("bin/start"), Map.of("PORT", "8080"), lines::add);
  }

  @Test
  void runsUntilToldToExitAndReportsTheCode() throws Exception {
    InMemoryProcessDriver.InMemoryProcess p = driver.start(spec());
    assertTrue(p.isRunning());
    assertEquals(List.of(p), driver.running());
    p.emit(StdStream.STDOUT, "hello");
    assertEquals("hello", lines.get(0).text());
    p.exit(3);
    assertEquals(new ExitStatus.Exited(3), p.onExit().get(1, TimeUnit.SECONDS));
    assertEquals(List.of(), driver.running());
  }

  @Test
  void recordsSignalsAndHupDoesNotEndIt() throws Exception {
    InMemoryProcessDriver.InMemoryProcess p = driver.start(spec());
    p.signal(Signal.HUP);
    assertTrue(p.isRunning());
    p.signal(Signal.TERM);
    assertEquals(List.of(Signal.HUP, Signal.TERM), p.signals());
    assertEquals(new ExitStatus.Killed(15), p.onExit().join());
  }

  @Test
  void stopKillsAfterTheGraceWhenTermIsIgnored() throws Exception {
    InMemoryProcessDriver.InMemoryProcess p = driver.start(spec()).ignoreTerm();
    long t0 = System.nanoTime();
    ExitStatus s = p.stop(Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300), "waited the grace");
    assertEquals(new ExitStatus.Killed(9), s);
    assertEquals(List.of(Signal.TERM, Signal.KILL), p.signals());
  }

  @Test
  void startFailsLikeTheRealDriver() {
    driver.failNextStart("cannot start [bin/start]: boom");
    assertEquals("cannot start [bin/start]: boom", assertThrows(ProcessStartException.class, () -> driver.start(spec())).getMessage());
    ProcessSpec nowhere = ProcessSpec.of(dir.resolve("missing"), List.of("bin/start"), Map.of(), l -> {});
    assertThrows(ProcessStartException.class, () -> driver.start(nowhere));
  }

  @Test
  void onStartScriptsBehaviourAndCloseStopsTheRest() throws Exception {
    driver.onStart(p -> {
      if (p.spec().command().contains("crash")) p.exit(1);
    });
    InMemoryProcessDriver.InMemoryProcess crash = driver.start(ProcessSpec.of(dir, List.of("crash"), Map.of(), l -> {}));
    InMemoryProcessDriver.InMemoryProcess stubborn = driver.start(spec()).ignoreTerm();
    assertFalse(crash.isRunning());
    driver.close();
    assertEquals(new ExitStatus.Killed(9), stubborn.onExit().get(1, TimeUnit.SECONDS));
    assertEquals(2, driver.started().size());
  }
}
