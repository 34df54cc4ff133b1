package glow.app;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import java.util.concurrent.CompletableFuture;

/**
 * What a stopping command is doing now (a coordinated-shutdown phase, or a step of its own after
 * the actor system), for the {@link StopDeadline} to say what it was waiting for; one per run.
 */
final class StopProgress {
  private volatile String step = "the stop to begin";
  private volatile long since = System.nanoTime();

  /** Records that the command now waits for {@code what}. */
  void at(String what) {
    since = System.nanoTime();
    step = what;
  }

  /** E.g. "coordinated-shutdown phase cluster-sharding-shutdown-region (timeout 30 s), for 41 s". */
  String describe() {
    return step + ", for " + (System.nanoTime() - since) / 1_000_000_000L + " s";
  }

  /**
   * Adds a task to every phase of the system's coordinated shutdown that records the phase as it
   * begins. Tasks of one phase run together and a phase begins when the one before it ended, so
   * the last phase recorded is the one still running.
   */
  void followPhases(ActorSystem<?> system) {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    for (String phase : scala.jdk.javaapi.CollectionConverters.asJava(cs.orderedPhases())) {
      String what = "coordinated-shutdown phase " + phase + " (timeout " + cs.timeout(phase).toSeconds() + " s)";
      try {
        cs.addTask(phase, "glow-stop-progress", () -> {
          at(what);
          return CompletableFuture.completedFuture(Done.done());
        });
      } catch (IllegalArgumentException | IllegalStateException disabledOrStarted) {
        // a disabled phase takes no task, and once the shutdown ran nothing is left to follow
      }
    }
  }
}
