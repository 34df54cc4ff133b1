package glow.actors.process;

/**
 * The seam between instance supervision and the OS: starts processes and stops them all at the
 * end. Implementations: {@link OsProcessDriver} (real) and {@link InMemoryProcessDriver} (tests).
 * One per node.
 */
public interface ProcessDriver extends AutoCloseable {
  /**
   * Starts the process described by spec, in a process group of its own. Blocks for the few
   * milliseconds a fork and exec take (more on a loaded machine): call it from a blocking
   * dispatcher, not from an actor's own thread.
   */
  RunningProcess start(ProcessSpec spec) throws ProcessStartException;

  /** Stops every process this driver started that is still running (TERM, short grace, KILL). */
  @Override
  void close();
}
