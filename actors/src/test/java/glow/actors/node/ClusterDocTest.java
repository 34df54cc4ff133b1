package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure detection and split brain resolver settings shown in docs/cluster.md are the ones a
 * node runs with: the sample loads as a --config file and equals the node's defaults.
 */
class ClusterDocTest {
  @TempDir Path dir;

  @Test
  void theTimingsSampleOfClusterMdIsWhatANodeRunsWith() throws Exception {
    List<String> samples = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "cluster.md"));
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals("```hocon")) continue;
      StringBuilder text = new StringBuilder();
      for (i++; !lines.get(i).startsWith("```"); i++) text.append(lines.get(i)).append('\n');
      samples.add(text.toString());
    }
    assertEquals(1, samples.size(), "one hocon sample in docs/cluster.md");
    Path file = dir.resolve("node.conf");
    Files.writeString(file, samples.get(0));

    Config sample = ConfigFactory.parseString(samples.get(0)).getConfig("akka.cluster");
    Config withSample = NodeSettings.load(Optional.of(file), Map.of()).akkaConfig().getConfig("akka.cluster");
    Config defaults = NodeSettings.load(Optional.empty(), Map.of()).akkaConfig().getConfig("akka.cluster");
    for (var e : sample.entrySet()) {
      String key = e.getKey();
      assertEquals(defaults.getValue(key).unwrapped(), withSample.getValue(key).unwrapped(), key);
      assertEquals(e.getValue().unwrapped(), defaults.getValue(key).unwrapped(), "docs/cluster.md shows the default of " + key);
    }
  }
}
