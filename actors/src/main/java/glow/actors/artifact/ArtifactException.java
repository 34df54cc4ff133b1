package glow.actors.artifact;

/** An artifact could not be made ready; the message names the artifact and what to do. One per failure. */
public final class ArtifactException extends Exception {
  public ArtifactException(String message) {
    super(message);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
