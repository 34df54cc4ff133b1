package glow.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example in docs/repo-format.md whose first line names a repo path is real: the valid ones
 * together form a repo without problems, and each one marked "(invalid)" gives exactly the error
 * lines of the text block that follows it.
 */
class DocExamplesTest {
  static final Path DOC = Path.of("../docs/repo-format.md");
  static final Pattern MARK = Pattern.compile("# ((?:apps|deployments|externals|expose|jobs|configs)/\\S+)( \\(invalid\\))?");

  record Block(String lang, List<String> lines) {}

  static List<Block> blocks() throws IOException {
    List<Block> out = new ArrayList<>();
    List<String> current = null;
    String lang = null;
    for (String line : Files.readAllLines(DOC)) {
      if (current == null && line.startsWith("```")) {
        current = new ArrayList<>();
        lang = line.substring(3).trim();
      } else if (current != null && line.startsWith("```")) {
        out.add(new Block(lang, current));
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    return out;
  }

  @Test
  void everyExampleInTheRepoFormatDocIsChecked(@TempDir Path tmp) throws IOException {
    Map<String, String> valid = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    Map<String, List<String>> expected = new LinkedHashMap<>();
    List<Block> blocks = blocks();
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      Matcher m = b.lines().isEmpty() ? null : MARK.matcher(b.lines().get(0));
      if (m == null || !m.matches()) {
        continue;
      }
      String text = String.join("\n", b.lines()) + "\n";
      if (m.group(2) == null) {
        assertNull(valid.put(m.group(1), text), "two examples claim " + m.group(1));
      } else {
        invalid.put(m.group(1), text);
        Block next = blocks.get(i + 1);
        assertEquals("text", next.lang(), "an invalid example is followed by a text block with its errors");
        expected.put(m.group(1), next.lines());
      }
    }
    assertTrue(valid.size() >= 10, "examples found: " + valid.keySet());
    assertTrue(invalid.size() >= 2);

    TestRepo repo = new TestRepo(tmp.resolve("valid"));
    valid.forEach(repo::put);
    Snapshot good = repo.load(null);
    assertEquals(List.of(), TestRepo.lines(good));

    // each invalid example is added to the valid repo as a new commit would add it
    for (Map.Entry<String, String> e : invalid.entrySet()) {
      repo.put(e.getKey(), e.getValue());
      assertEquals(expected.get(e.getKey()), TestRepo.lines(repo.load(good)), e.getKey());
      repo.delete(e.getKey());
    }
  }
}
