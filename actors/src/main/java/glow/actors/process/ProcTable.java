package glow.actors.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads Linux's /proc for the process driver (group members, start times, environments); stateless. */
final class ProcTable {
  private static final Path PROC = Path.of("/proc");

  private ProcTable() {}

  /**
   * The fields of /proc/PID/stat the driver needs.
   *
   * @param startTicks process start time in clock ticks since boot: with the pid it identifies a
   *     process across pid reuse
   */
  record ProcStat(long pid, char state, long ppid, long pgrp, long startTicks) {
    /** Zombies (Z) and dead (X) entries hold no resources and cannot be signalled away. */
    boolean alive() {
      return state != 'Z' && state != 'X';
    }
  }

  static Optional<ProcStat> stat(long pid) {
    try {
      String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
      // comm (field 2) is in parentheses and may itself hold spaces and ')': split after the last ')'
      int close = s.lastIndexOf(')');
      String[] f = s.substring(close + 2).trim().split(" ");
      // f[0] is field 3 (state); field n is f[n - 3]; starttime is field 22
      return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[19])));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // the process vanished while being read
    }
  }

  /** Every process currently visible. */
  static List<ProcStat> all() {
    List<ProcStat> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(PROC)) {
      dirs.forEach(d -> {
        String name = d.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          stat(Long.parseLong(name)).ifPresent(out::add);
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc: the process driver needs Linux /proc", e);
    }
    return out;
  }

  /** Live (non-zombie) members of process group pgid. */
  static List<ProcStat> liveMembers(long pgid) {
    return all().stream().filter(p -> p.pgrp() == pgid && p.alive()).toList();
  }

  /** Whether the initial environment of pid holds exactly this NAME=value entry. */
  static boolean environContains(long pid, String entry) {
    try {
      byte[] env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
      for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
        if (e.equals(entry)) return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Changes at every boot: records from an earlier boot name no live process. */
  static String bootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
