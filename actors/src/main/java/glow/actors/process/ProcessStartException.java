package glow.actors.process;

/** A process could not be started; the message says which command and why. One per failed start. */
public final class ProcessStartException extends Exception {
  public ProcessStartException(String message, Throwable cause) {
    super(message, cause);
  }

  public ProcessStartException(String message) {
    super(message);
  }
}
