package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lines of {@code glow status} around its tables: the repo line, and why there is no node. */
class StatusRepoLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneProblemIsSingularAndTwoArePlural() throws Exception {
    assertEquals("repo dir-1 (1 problem: the last good version of each file is in force)", StatusCommand.repoLine(
        JSON.readTree("{\"version\":\"dir-1\",\"valid\":false,\"problems\":[{\"file\":\"apps/web.yaml\"}]}")));
    assertEquals("repo dir-1 (2 problems: the last good version of each file is in force)", StatusCommand.repoLine(
        JSON.readTree("{\"version\":\"dir-1\",\"valid\":false,\"problems\":[{\"file\":\"a\"},{\"file\":\"b\"}]}")));
    assertEquals("repo dir-1 (valid)",
        StatusCommand.repoLine(JSON.readTree("{\"version\":\"dir-1\",\"valid\":true,\"problems\":[]}")));
  }

  @Test
  void aNodeWithoutARepoVersionSaysWhyInsteadOfZeroProblems() throws Exception {
    assertEquals("repo: none yet (the node was started without --repo, so nothing is deployed)", StatusCommand.repoLine(
        JSON.readTree("{\"source\":\"(none)\",\"version\":\"none\",\"valid\":false,\"problems\":[]}")));
    assertEquals("repo: none yet (no version received yet: the repo sync job reads it once the node is a cluster member)",
        StatusCommand.repoLine(JSON.readTree("{\"source\":\"/srv/config\",\"version\":\"none\",\"valid\":false,\"problems\":[]}")));
  }

  @Test
  void anEmptyNodeTableSaysTheNodeAskedIsNotAMemberYet() throws Exception {
    assertEquals(Optional.of("node solo (akka://glow@127.0.0.1:2598) is not a cluster member yet: it is joining;"
        + " if this lasts, no seed answers (see its log)"), StatusCommand.notMemberYet(JSON.readTree(
        "{\"self\":\"solo\",\"selfAddress\":\"akka://glow@127.0.0.1:2598\",\"nodes\":[],\"unreachable\":[]}")));
    assertEquals(Optional.empty(), StatusCommand.notMemberYet(JSON.readTree("{\"self\":\"n1\",\"nodes\":[{\"name\":\"n1\"}]}")));
  }
}
