package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.node.NodeSettings;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands of docs/operations.md, "Running a 3-node cluster by hand", are real: its script
 * commits a git repo that loads without a problem with a greeter on each node, and its three
 * {@code glow node} lines are valid settings that share one seed list. (Running the nodes
 * themselves is ThreeNodeClusterTest's part.)
 */
class ClusterWalkthroughDocTest {
  private static final String SECTION = "## Running a 3-node cluster by hand";

  @TempDir Path tmp;

  /** The {@code ```sh} blocks of the section, in order. */
  static List<String> shBlocks() throws IOException {
    String doc = Files.readString(DocExamplesTest.DOCS.resolve("operations.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf(SECTION);
    assertTrue(start >= 0, "operations.md has a section \"" + SECTION + "\"");
    int end = doc.indexOf("\n## ", start + SECTION.length());
    Matcher m = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(start, end < 0 ? doc.length() : end));
    List<String> blocks = new ArrayList<>();
    while (m.find()) blocks.add(m.group(1));
    return blocks;
  }

  @Test
  @Timeout(60)
  void theRepoScriptCommitsAGreeterOnEachNodeAndWebOnN1() throws Exception {
    // The script as written, in a temp dir instead of /tmp/glow3, without its last line: that one
    // runs ./glow validate from a checkout; RepoLoader below does the same validation.
    String script = shBlocks().get(0).replace("/tmp/glow3", tmp.toString()).lines()
        .filter(l -> !l.startsWith("cd - ")).reduce("", (a, l) -> a + l + "\n");
    Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(tmp.toFile())
        .redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "the script ends");
    assertEquals(0, bash.exitValue(), out);

    // read as a node reads it: the branch's last commit, not the work tree
    Snapshot s = RepoLoader.load(RepoSource.git(tmp.resolve("config").toString(), "main", tmp.resolve("cache")).read(), null);
    assertEquals(List.of(), s.problems());
    for (int k = 1; k <= 3; k++) {
      InstanceSpec greeter = s.instance("greeter#" + k).orElseThrow();
      assertEquals("n" + k, greeter.node());
      assertEquals(9000 + k, greeter.ports().get("http").port(), "greeter#" + k + " on its own port: the nodes share one machine");
    }
    InstanceSpec web = s.instance("web#1").orElseThrow();
    assertEquals("n1", web.node());
    assertEquals(7001, web.requires().get(0).local());
  }

  @Test
  void theThreeNodeCommandsAreValidSettingsWithOneSeedListAndTheirOwnPortsAndDirs() throws IOException {
    List<String> lines = shBlocks().get(1).replace("\\\n", " ").lines().filter(l -> l.startsWith("./glow node ")).toList();
    assertEquals(3, lines.size(), "one command per terminal");
    Set<String> seeds = new TreeSet<>();
    Set<String> owned = new TreeSet<>(); // cluster ports, API ports and data dirs: none may be shared
    for (int k = 1; k <= 3; k++) {
      String[] argv = lines.get(k - 1).substring("./glow ".length()).trim().split("\\s+");
      CommandLine cli = Main.commandLine();
      cli.parseArgs(argv);
      NodeCommand node = cli.getSubcommands().get("node").getCommand();
      NodeSettings s = NodeSettings.load(Optional.empty(), node.options.overrides());
      assertEquals("n" + k, s.name(), Arrays.toString(argv));
      assertEquals(2550 + k, s.clusterPort());
      assertEquals(Optional.of("/tmp/glow3/config"), s.repo());
      seeds.add(s.seeds().toString());
      assertTrue(s.seeds().stream().anyMatch(h -> h.port() == s.clusterPort()), "every node is one of the seeds: " + s.seeds());
      assertTrue(owned.add("cluster " + s.clusterPort()) && owned.add("api " + s.api()) && owned.add("dir " + s.dataDir()), owned.toString());
    }
    assertEquals(1, seeds.size(), "the same seeds in the same order on every node: " + seeds);
  }
}
