package glow.conf.repo;

/** The repository could not be read at all (unreachable URL, missing branch, not a repo). */
public final class RepoUnreadableException extends Exception {
  public RepoUnreadableException(String message, Throwable cause) {
    super(message, cause);
  }
}
