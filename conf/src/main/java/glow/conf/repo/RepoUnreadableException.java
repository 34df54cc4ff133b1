package glow.conf.repo;

/** Says the repository could not be read at all (unreachable URL, missing branch, not a repo); one per failed read. */
public final class RepoUnreadableException extends Exception {
  public RepoUnreadableException(String message, Throwable cause) {
    super(message, cause);
  }
}
