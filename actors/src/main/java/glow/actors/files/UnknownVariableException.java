package glow.actors.files;

/** A template used a variable that is not defined, or a ${ without its }; one per failed expansion. */
public final class UnknownVariableException extends Exception {
  private final String variable;

  public UnknownVariableException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The name that was not found (empty for a syntax error). */
  public String variable() {
    return variable;
  }
}
