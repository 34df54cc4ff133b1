package glow.conf.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import glow.conf.Problem;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every folder under src/test/resources/bad is a repo whose expected.txt lists its exact error lines. */
class BadRepoTest {
  static final Path BAD = Path.of("src/test/resources/bad");

  static Stream<String> badRepos() throws IOException {
    try (Stream<Path> dirs = Files.list(BAD)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRepos")
  void reportsEveryProblemWithItsPosition(String name) throws IOException {
    Path dir = BAD.resolve(name);
    List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream().filter(l -> !l.isBlank()).toList();
    Snapshot s = RepoLoader.load(RepoSource.directory(dir), null);
    assertFalse(s.isValid());
    assertEquals(String.join("\n", expected), String.join("\n", s.problems().stream().map(Problem::toString).toList()));
  }
}
