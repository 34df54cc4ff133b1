package glow.actors.process;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A handle on one started process and its process group; one per successful start. */
public interface RunningProcess {
  /** The OS pid of the main process, which is also its process group id. */
  long pid();

  /**
   * Completes once the main process has ended and the rest of its process group is gone (members
   * still alive then are killed: an instance's tree lives and dies with its main process).
   */
  CompletionStage<ExitStatus> onExit();

  /** Sends the signal to the whole process group; does nothing once the process has ended. */
  void signal(Signal signal);

  /**
   * TERM to the group, then KILL to the group if it is not gone within grace; completes (with the
   * main process's status) when every member is gone.
   */
  CompletionStage<ExitStatus> stop(Duration grace);
}
