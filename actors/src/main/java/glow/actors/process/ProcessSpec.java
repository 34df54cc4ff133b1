package glow.actors.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything needed to start one process; one per start.
 *
 * @param workingDir the directory the command runs in; a relative command[0] with a slash
 *     (bin/start) is resolved against it
 * @param command program and arguments, no shell involved
 * @param environment the complete environment: nothing of the node's own is inherited
 * @param output receives every stdout and stderr line, on a reader thread: keep it quick
 * @param limits resource limits ({@link Limits#NONE} for none)
 * @param runAsUser user name to drop privileges to; only possible when the node runs as root
 */
public record ProcessSpec(
    Path workingDir,
    List<String> command,
    Map<String, String> environment,
    Consumer<OutputLine> output,
    Limits limits,
    Optional<String> runAsUser) {

  public ProcessSpec {
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(output, "output");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    limits = limits == null ? Limits.NONE : limits;
    runAsUser = runAsUser == null ? Optional.empty() : runAsUser;
    if (command.isEmpty()) throw new IllegalArgumentException("command is empty");
  }

  /** A spec without limits or user switch. */
  public static ProcessSpec of(Path workingDir, List<String> command, Map<String, String> environment,
      Consumer<OutputLine> output) {
    return new ProcessSpec(workingDir, command, environment, output, Limits.NONE, Optional.empty());
  }

  public ProcessSpec withLimits(Limits l) {
    return new ProcessSpec(workingDir, command, environment, output, l, runAsUser);
  }

  public ProcessSpec withRunAsUser(String user) {
    return new ProcessSpec(workingDir, command, environment, output, limits, Optional.of(user));
  }
}
