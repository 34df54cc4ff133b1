package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CLI name in the hints glow dev prints: what the user can type from where they stand. */
class CliNameTest {
  @Test
  void fromTheCheckoutItIsDotSlashGlowElsewhereTheScriptsPathAndWithoutTheScriptPlainGlow() {
    assertEquals("./glow", NodeRun.cliName("/home/you/glow", Path.of("/home/you/glow")));
    assertEquals("/home/you/glow/glow", NodeRun.cliName("/home/you/glow", Path.of("/tmp")));
    assertEquals("glow", NodeRun.cliName(null, Path.of("/home/you/glow")));
  }
}
