package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The repo line of {@code glow status}: valid, or the number of problems in words that agree with it. */
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
}
