package glow.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchChainTest {
  final LaunchChain.Tools tools = new LaunchChain.Tools(Path.of("/t/setpriv"), Path.of("/t/prlimit"),
      Path.of("/t/setsid"), Path.of("/t/kill"));
  final ProcessSpec spec = ProcessSpec.of(Path.of("/app"), List.of("bin/start", "--port", "8080"), Map.of(), l -> {});

  @Test
  void setsTheDeathSignalAndANewSessionWithoutLimitsOrUser() {
    assertEquals(List.of("/t/setpriv", "--pdeathsig=KILL", "--", "/t/setsid", "bin/start", "--port", "8080"),
        LaunchChain.build(tools, spec, Optional.empty()));
  }

  @Test
  void dropsPrivilegesInTheSameSetprivThatSetsTheDeathSignalThenAppliesLimits() {
    // one setpriv: the kernel clears the death signal on a uid change, setpriv sets it after the change
    assertEquals(List.of("/t/setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--pdeathsig=KILL", "--",
            "/t/prlimit", "--as=1048576", "--nproc=64", "--", "/t/setsid", "bin/start", "--port", "8080"),
        LaunchChain.build(tools, spec.withLimits(Limits.of(1 << 20, 64)),
            Optional.of(new LaunchChain.UserIds("app", 1001, 1002))));
  }
}
