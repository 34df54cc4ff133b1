package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.housekeeping.HousekeepingSettings;
import glow.actors.node.NodeSettings;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.repo.RepoTree;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples in docs/getting-started.md, docs/operations.md and docs/cluster.md are real: the
 * first app's files join the demo repo without a problem, the node config file loads, and the
 * keytool commands make key and trust stores a TLS node loads.
 */
class DocExamplesTest {
  static final Path DOCS = Path.of("..", "docs");
  // the sentence before a sample names its file: `examples/demo/apps/hello.yaml`:
  static final Pattern NAMED = Pattern.compile("`examples/demo/(\\S+)`:");

  record Sample(String lang, String named, String text) {}

  static List<Sample> samples(String doc) throws IOException {
    List<Sample> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(DOCS.resolve(doc));
    String named = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = NAMED.matcher(line.trim());
      if (m.matches()) named = m.group(1);
      if (!line.startsWith("```")) continue;
      String lang = line.substring(3).trim();
      StringBuilder text = new StringBuilder();
      for (i++; !lines.get(i).startsWith("```"); i++) text.append(lines.get(i)).append('\n');
      out.add(new Sample(lang, named, text.toString()));
      named = null;
    }
    return out;
  }

  @Test
  void theFirstAppOfGettingStartedJoinsTheDemoRepoWithoutAProblem() throws Exception {
    Map<String, String> files = new LinkedHashMap<>(RepoSource.directory(Path.of("..", "examples", "demo")).read().files());
    int added = 0;
    for (Sample s : samples("getting-started.md")) {
      if (s.lang().equals("yaml") && s.named() != null) {
        files.put(s.named(), s.text());
        added++;
      }
    }
    assertEquals(2, added, "the app and its deployment");
    Snapshot snapshot = RepoLoader.load(new RepoTree("docs", files), null);
    assertEquals(List.of(), snapshot.problems());
    InstanceSpec hello = snapshot.instance("hello#1").orElseThrow();
    assertEquals("dev", hello.node());
    assertEquals(7101, hello.requires().get(0).local());
    assertEquals("Hi", hello.spec().env().get("GREETING"));
  }

  @Test
  void everyGlowStatusSampleShowsTheTablesTheCommandPrints() throws IOException {
    Map<String, List<String>> headers = Map.of("NODE", StatusCommand.NODES, "INSTANCE", StatusCommand.INSTANCES,
        "ROLLOUT", StatusRollouts.HEADER, "EXPOSE", StatusExposes.HEADER);
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String doc : List.of("api.md", "operations.md", "getting-started.md", "cluster.md")) {
      for (Sample s : samples(doc)) {
        for (String line : s.text().lines().toList()) {
          List<String> words = List.of(line.trim().split(" +"));
          if (!headers.containsKey(words.get(0)) || !line.equals(line.toUpperCase()) || words.size() < 3) continue;
          assertEquals(headers.get(words.get(0)), words, doc + ": a `glow status` table header as the command prints it");
          seen.merge(doc + " " + words.get(0), 1, Integer::sum);
        }
      }
    }
    for (String table : headers.keySet()) {
      assertTrue(seen.containsKey("api.md " + table), "api.md shows the " + table + " table of `glow status`: " + seen);
    }
  }

  @Test
  void theNodeConfigFileOfOperationsLoads(@TempDir Path tmp) throws IOException {
    Sample hocon = samples("operations.md").stream().filter(s -> s.lang().equals("hocon")).findFirst().orElseThrow();
    Path file = Files.writeString(tmp.resolve("node.conf"), hocon.text());
    NodeSettings s = NodeSettings.load(Optional.of(file), Map.of());
    assertEquals("n1", s.name());
    assertEquals("10.0.0.11", s.host());
    assertEquals(2, s.seeds().size());
    assertEquals(Optional.of("https://artifacts.example.com/glow"), s.artifacts());
    assertTrue(s.dataDir().endsWith("glow"));
  }

  @Test
  void theHousekeepingSampleOfOperationsLoads(@TempDir Path tmp) throws IOException {
    Sample hocon = samples("operations.md").stream()
        .filter(s -> s.lang().equals("hocon") && s.text().contains("housekeeping")).findFirst().orElseThrow();
    Path file = Files.writeString(tmp.resolve("node.conf"), hocon.text());
    HousekeepingSettings h = NodeSettings.load(Optional.of(file), Map.of()).housekeeping();
    assertEquals(new HousekeepingSettings(3, Duration.ofMinutes(10), Duration.ofHours(2), Duration.ofDays(14)), h);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theKeytoolCommandsOfClusterMdMakeStoresEveryNodeLoads(@TempDir Path tmp) throws Exception {
    Sample script = samples("cluster.md").stream().filter(s -> s.lang().equals("sh")).findFirst().orElseThrow();
    Sample conf = samples("cluster.md").stream().filter(s -> s.lang().equals("hocon") && s.text().contains("cluster-tls")).findFirst().orElseThrow();
    // the JDK's keytool first on PATH and our passwords in the environment, in place of the sample's
    // placeholder export lines: as the doc says to run it
    ProcessBuilder pb = new ProcessBuilder("bash", "-euc", script.text().replaceAll("(?m)^export .*$", ""))
        .directory(tmp.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    Map<String, String> passwords = Map.of("GLOW_CA_PASSWORD", "ca-secret", "GLOW_CLUSTER_KEY_STORE_PASSWORD", "key-secret",
        "GLOW_CLUSTER_TRUST_STORE_PASSWORD", "trust-secret");
    pb.environment().putAll(passwords);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the script did not finish");
    assertEquals(0, p.exitValue(), output);

    Path file = Files.writeString(tmp.resolve("node.conf"), conf.text());
    for (String node : List.of("n1:10.0.0.11", "n2:10.0.0.12", "n3:10.0.0.13")) {
      String name = node.substring(0, node.indexOf(':'));
      String host = node.substring(node.indexOf(':') + 1);
      NodeSettings s = NodeSettings.load(Optional.of(file), Map.of("name", name, "host", host,
          "glow.node.cluster-tls.key-store", tmp.resolve(name + ".p12").toString(),
          "glow.node.cluster-tls.trust-store", tmp.resolve("trust.p12").toString(),
          "glow.node.cluster-tls.key-store-password", passwords.get("GLOW_CLUSTER_KEY_STORE_PASSWORD"),
          "glow.node.cluster-tls.trust-store-password", passwords.get("GLOW_CLUSTER_TRUST_STORE_PASSWORD"),
          "glow.node.cluster-tls.hostname-verification", "on"));
      assertEquals("tls-tcp", s.akkaConfig().getString("akka.remote.artery.transport"), name);
    }
  }

  @Test
  void theBootstrapSampleOfClusterMdLoads(@TempDir Path tmp) throws IOException {
    Sample hocon = samples("cluster.md").stream().filter(s -> s.lang().equals("hocon") && s.text().contains("bootstrap"))
        .findFirst().orElseThrow();
    NodeSettings s = NodeSettings.load(Optional.of(Files.writeString(tmp.resolve("node.conf"), hocon.text())), Map.of());
    assertEquals("glow", s.bootstrap().orElseThrow().serviceName());
    assertEquals(3, s.bootstrap().get().contactPoints().size());
    assertEquals(List.of(), s.seeds());
  }
}
