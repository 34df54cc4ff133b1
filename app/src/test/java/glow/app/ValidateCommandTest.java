package glow.app;

import static glow.app.Cli.glow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import glow.app.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  static final Path DEMO = Path.of("../examples/demo");

  @TempDir Path tmp;

  @Test
  void theDemoRepoIsValid() {
    Run r = glow("validate", DEMO.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("../examples/demo: valid ("), r.out());
    assertTrue(r.out().contains("2 apps, 3 instances, 1 external, 1 expose, 1 job"), r.out());
  }

  @Test
  void printsEveryProblemThenASummaryAndExitsOne() throws Exception {
    write("apps/web.yaml", "image: web\nversion: 1.0.0\nprovides: {http: 8080}\nrequires: [billing:8080 -> 7001]\n");
    write("deployments/web-1.yaml", "app: web\nnode: n1\ncolour: blue\n");
    Run r = glow("validate", tmp.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals("""
        apps/web.yaml:4:12: requires[0]: no app or external named "billing", add apps/billing.yaml or externals/billing.yaml
        deployments/web-1.yaml:1:6: app: app "web" has errors, fix apps/web.yaml first
        deployments/web-1.yaml:3:1: unknown key "colour" (known keys: app, node, instance, port-offset)
        %s: 3 problems in 2 files
        """.formatted(tmp), r.out());
  }

  @Test
  void jsonGivesTheSameProblemsForTools() throws Exception {
    write("apps/web.yaml", "image: web\n");
    Run r = glow("validate", "--json", tmp.toString());
    assertEquals(1, r.code());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(false, j.get("valid").asBoolean());
    assertEquals("apps/web.yaml", j.get("problems").get(0).get("file").asText());
    assertTrue(j.get("problems").get(0).get("text").asText().startsWith("apps/web.yaml:"));
  }

  @Test
  void readsACommittedBranchWithGit() throws Exception {
    write("apps/web.yaml", "image: web\nversion: 1.0.0\n");
    try (Git git = Git.init().setDirectory(tmp.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("web").setAuthor("t", "t@t").setCommitter("t", "t@t").call();
    }
    write("apps/web.yaml", "image: [broken\n"); // uncommitted: --branch must not see it
    assertEquals(0, glow("validate", "--branch", "main", tmp.toString()).code());
    assertEquals(1, glow("validate", tmp.toString()).code());
  }

  @Test
  void aMissingPathIsAUsageError() {
    Run r = glow("validate", tmp.resolve("nope").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no such directory"), r.err());
  }

  @Test
  void aDirectoryWithoutRepoFoldersIsAUsageError() {
    Run r = glow("validate", tmp.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is not a config repo"), r.err());
  }

  @Test
  void anUnreachableGitUrlIsAUsageError() {
    Run r = glow("validate", "file://" + tmp.resolve("no-such-repo.git"));
    assertEquals(2, r.code(), r.out() + r.err());
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertEquals(2, glow("frobnicate").code());
    assertEquals(2, glow("validate", "--colour").code());
    assertEquals(2, glow().code());
    assertEquals(0, glow("validate", "--help").code());
    assertEquals(0, glow("--help").code());
  }

  private void write(String path, String text) throws Exception {
    Path p = tmp.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}
