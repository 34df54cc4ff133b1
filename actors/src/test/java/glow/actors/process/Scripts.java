package glow.actors.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Test helpers: writes executable sh scripts and polls for conditions; one per test run. */
final class Scripts {
  private Scripts() {}

  static Path write(Path dir, String name, String body) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  static boolean alive(long pid) {
    return ProcTable.stat(pid).map(ProcTable.ProcStat::alive).orElse(false);
  }

  static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + max + " waiting until " + what);
      Thread.sleep(20); // polling an OS condition with a deadline
    }
  }

  static long readPid(Path file) throws Exception {
    await(file + " is written", Duration.ofSeconds(5), () -> {
      try {
        return Files.exists(file) && !Files.readString(file).isBlank();
      } catch (IOException e) {
        return false;
      }
    });
    return Long.parseLong(Files.readString(file).trim());
  }
}
