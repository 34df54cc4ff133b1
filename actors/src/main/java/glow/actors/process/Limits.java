package glow.actors.process;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Resource limits of one process tree, applied with prlimit(1) at launch; one per spec.
 *
 * @param memoryBytes RLIMIT_AS (virtual address space) in bytes; note that a JVM reserves far more
 *     address space than it uses (code cache, class space), so give JVMs generous values
 * @param maxProcesses RLIMIT_NPROC; counted per real user id by the kernel and not enforced for
 *     root, so it only bites when the instance runs as its own user
 */
public record Limits(OptionalLong memoryBytes, OptionalInt maxProcesses) {
  public static final Limits NONE = new Limits(OptionalLong.empty(), OptionalInt.empty());

  public Limits {
    memoryBytes.ifPresent(m -> {
      if (m <= 0) throw new IllegalArgumentException("memory limit must be positive bytes, got " + m);
    });
    maxProcesses.ifPresent(p -> {
      if (p <= 0) throw new IllegalArgumentException("process limit must be positive, got " + p);
    });
  }

  public static Limits of(long memoryBytes, int maxProcesses) {
    return new Limits(OptionalLong.of(memoryBytes), OptionalInt.of(maxProcesses));
  }

  public boolean isEmpty() {
    return memoryBytes.isEmpty() && maxProcesses.isEmpty();
  }
}
