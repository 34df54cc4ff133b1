package glow.actors.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the argv that wraps an app's command in util-linux tools; a pure function, one per driver.
 *
 * <p>The chain is {@code setpriv [--reuid U --regid G --init-groups] --pdeathsig KILL -- [prlimit
 * --as=B --nproc=N --] setsid COMMAND...}; each tool sets one property and execs the next, so the
 * pid Java sees is the app's pid:
 *
 * <ul>
 *   <li>setpriv sets the parent-death signal, so the app gets KILL when the node's launcher thread
 *       (and so the node) dies. The uid change is in the same setpriv on purpose: the kernel clears
 *       the parent-death signal when credentials change, and setpriv applies it after the change.
 *   <li>prlimit sets RLIMIT_AS and RLIMIT_NPROC. Not cgroup v2: writing cgroups needs a delegated
 *       subtree (systemd Delegate=yes or root on a host cgroup mount), which a node started by hand
 *       or in a container usually does not have; rlimits work for any user, everywhere.
 *   <li>setsid makes the app the leader of a new session and process group (pgid = pid), so a
 *       signal to the group reaches every grandchild that did not leave the group on purpose.
 *       Java's child is never a group leader, so setsid execs without forking and keeps the pid.
 * </ul>
 */
final class LaunchChain {
  /** Absolute paths of the tools, resolved once so the app's own PATH does not matter. */
  record Tools(Path setpriv, Path prlimit, Path setsid, Path kill) {
    static Tools fromPath() {
      return new Tools(find("setpriv"), find("prlimit"), find("setsid"), find("kill"));
    }

    private static Path find(String name) {
      List<String> dirs = new ArrayList<>();
      String path = System.getenv("PATH");
      if (path != null) dirs.addAll(List.of(path.split(":")));
      dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
      for (String d : dirs) {
        if (d.isEmpty()) continue;
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) return p;
      }
      throw new IllegalStateException("the process driver needs '" + name + "' on PATH (install "
          + (name.equals("kill") ? "procps" : "util-linux") + ")");
    }
  }

  /** Numeric ids of the user an app runs as. */
  record UserIds(String name, long uid, long gid) {}

  private LaunchChain() {}

  static List<String> build(Tools tools, ProcessSpec spec, Optional<UserIds> user) {
    List<String> argv = new ArrayList<>();
    argv.add(tools.setpriv().toString());
    user.ifPresent(u -> {
      argv.add("--reuid=" + u.uid());
      argv.add("--regid=" + u.gid());
      argv.add("--init-groups");
    });
    argv.add("--pdeathsig=KILL");
    argv.add("--");
    Limits l = spec.limits();
    if (!l.isEmpty()) {
      argv.add(tools.prlimit().toString());
      l.memoryBytes().ifPresent(m -> argv.add("--as=" + m));
      l.maxProcesses().ifPresent(p -> argv.add("--nproc=" + p));
      argv.add("--");
    }
    argv.add(tools.setsid().toString());
    argv.addAll(spec.command());
    return argv;
  }
}
