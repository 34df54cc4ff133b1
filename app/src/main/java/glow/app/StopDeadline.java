package glow.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Bounds how long a stopping {@code glow node}, {@code glow dev} or {@code glow proxy} may take; one
 * per run of such a command.
 *
 * <p>The first SIGINT/SIGTERM (or {@link #arm()} when the command stops for another reason) starts
 * the clock and the graceful stop proceeds. If the JVM is still alive when the timeout has passed
 * (the graceful path hangs, or so does {@code System.exit} in a shutdown hook: the watchdog is a
 * daemon thread, which keeps running until the JVM is gone), it prints what the command was waiting
 * for and a short thread dump, runs the last rites (a node KILLs its instance processes) and halts
 * the JVM with {@link #EXIT_DEADLINE}. A second signal does the same at once, exiting with 128 +
 * the signal's number, as a shell reports a process killed by that signal.
 */
final class StopDeadline {
  /** Exit code after the deadline passed: what timeout(1) returns when its command timed out. */
  static final int EXIT_DEADLINE = 124;
  /** Frames shown per thread in the dump printed before halting. */
  private static final int FRAMES = 4;

  private final String command;
  private final Duration timeout;
  private final PrintWriter err;
  private final Supplier<String> waitingFor;
  private final Runnable lastRites;
  private final IntConsumer halt;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicBoolean halting = new AtomicBoolean();
  private final AtomicInteger signals = new AtomicInteger();
  /** Counted down only by {@link #disarm()} (in-process tests); a real run ends with the JVM. */
  private final CountDownLatch disarmed = new CountDownLatch(1);

  /**
   * @param command e.g. "glow node", the prefix of every line printed
   * @param waitingFor what the stop is doing now, e.g. the coordinated-shutdown phase
   * @param lastRites runs just before halting; must bound its own time (it runs on the watchdog)
   * @param halt {@code Runtime.getRuntime()::halt} in production
   */
  StopDeadline(String command, Duration timeout, PrintWriter err, Supplier<String> waitingFor, Runnable lastRites,
      IntConsumer halt) {
    this.command = command;
    this.timeout = timeout;
    this.err = err;
    this.waitingFor = waitingFor;
    this.lastRites = lastRites;
    this.halt = halt;
  }

  /** The deadline of a real run: halts this JVM. */
  static StopDeadline halting(String command, Duration timeout, PrintWriter err, Supplier<String> waitingFor,
      Runnable lastRites) {
    return new StopDeadline(command, timeout, err, waitingFor, lastRites, code -> Runtime.getRuntime().halt(code));
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * A stop signal arrived (on the JVM's signal thread): the first one starts the clock, a second
   * one halts at once.
   */
  void signalled(String name, int number) {
    if (signals.incrementAndGet() > 1) {
      haltNow("a second " + name + " arrived while stopping", 128 + number);
      return;
    }
    arm();
  }

  /** Starts the clock, if not yet started: the command has begun to stop. */
  void arm() {
    if (!armed.compareAndSet(false, true)) return;
    Thread watchdog = new Thread(() -> {
      try {
        if (disarmed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) return;
      } catch (InterruptedException e) {
        return; // only the JVM ending interrupts it
      }
      haltNow("still stopping after the stop timeout (" + human(timeout) + ")", EXIT_DEADLINE);
    }, "glow-stop-deadline");
    watchdog.setDaemon(true); // never the reason the JVM stays up
    watchdog.start();
  }

  /** Cancels the clock; only for commands run in-process by tests, whose JVM goes on. */
  void disarm() {
    disarmed.countDown();
  }

  private void haltNow(String why, int code) {
    if (!halting.compareAndSet(false, true)) return;
    try {
      err.println(command + ": " + why + "; it was waiting for: " + waitingFor.get());
      err.println(command + ": threads at that moment:");
      threadSummary().forEach(err::println);
      err.println(command + ": killing what is left and halting with exit code " + code);
      err.flush();
      lastRites.run();
    } catch (RuntimeException | Error e) {
      err.println(command + ": while halting: " + e);
    } finally {
      err.flush();
      halt.accept(code);
    }
  }

  /** "8 s", "2 min 50 s", "300 ms". */
  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) return d.toMillis() + " ms";
    long s = d.toSeconds();
    return s >= 60 ? s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s") : s + " s";
  }

  /** One line per thread (name, state, daemon), then its top frames; for the operator's bug report. */
  static java.util.List<String> threadSummary() {
    java.util.List<String> lines = new java.util.ArrayList<>();
    Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
    all.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().getName())).forEach(e -> {
      Thread t = e.getKey();
      lines.add("  \"" + t.getName() + "\" " + t.getState() + (t.isDaemon() ? " daemon" : ""));
      StackTraceElement[] frames = e.getValue();
      for (int i = 0; i < Math.min(FRAMES, frames.length); i++) lines.add("      at " + frames[i]);
    });
    return lines;
  }
}
