package glow.actors.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A throw-away node for the kill -9 test, run in its own JVM: starts one child through the real
 * driver, prints its pid, then waits to be killed. One per test run.
 */
public final class OrphanProbeMain {
  private OrphanProbeMain() {}

  /** args: state dir, working dir holding ./app.sh. */
  public static void main(String[] args) throws Exception {
    OsProcessDriver driver = new OsProcessDriver(Path.of(args[0]));
    RunningProcess p = driver.start(ProcessSpec.of(Path.of(args[1]), List.of("./app.sh"),
        Map.of("PATH", "/usr/bin:/bin"), line -> {}));
    System.out.println("started " + p.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // the test kills this JVM with SIGKILL
  }
}
