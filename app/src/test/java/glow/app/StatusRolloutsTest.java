package glow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import glow.api.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Rollouts section from API answers shaped as docs/api.md shows them, for the cases the
 * end-to-end test in {@link ApiCommandsTest} cannot make happen on demand: a coordinator that does
 * not answer, a rollout that keeps the version, an old halt beside the current one, and instances
 * reported not serving.
 */
class StatusRolloutsTest {
  static String print(JsonNode rollouts, String instances, Map<String, String> versions) throws Exception {
    StringWriter out = new StringWriter();
    StatusRollouts.print(new PrintWriter(out, true), rollouts, Json.MAPPER.readTree(instances), versions::get);
    return out.toString();
  }

  static String instance(String key, String version, boolean healthy, String detail) {
    return "{\"key\":\"" + key + "\",\"app\":\"" + key.substring(0, key.indexOf('#')) + "\",\"version\":\"" + version
        + "\",\"healthy\":" + healthy + ",\"detail\":\"" + detail + "\"}";
  }

  @Test
  void aStoppedRolloutStillShowsFromTheInstancesWhenTheCoordinatorDoesNotAnswer() throws Exception {
    String instances = "{\"instances\":[" + instance("greeter#1", "1.1.0", true,
        "rollout of greeter to 9.9.9 stopped: greeter#3 on n3: could not start (fix the app and commit)") + ","
        + instance("greeter#3", "9.9.9", false, "could not start") + "]}";

    String out = print(NullNode.getInstance(), instances, Map.of("greeter", "9.9.9"));

    assertEquals("\n"
        + "ROLLOUT  FROM   TO     PROGRESS     STATE\n"
        + "greeter  1.1.0  9.9.9  0 of 2 done  stopped: greeter#3 on n3: could not start\n"
        + "greeter: the other instances keep 1.1.0 and serve. To go on, read why (glow logs greeter#3), then commit a "
        + "fixed version or 1.1.0 back: a new commit starts a new rollout (recommitting the same files does not).\n", out);
  }

  @Test
  void aChangeThatKeepsTheVersionRollsFromItToItself() throws Exception {
    JsonNode rollouts = Json.MAPPER.readTree("{\"learning\":false,\"apps\":[{\"app\":\"web\","
        + "\"replacing\":[\"web#2 on n2 (to 1.0.0)\"],\"stopped\":{}}]}");
    String instances = "{\"instances\":[" + instance("web#1", "1.0.0", true, "healthy, pid 7") + ","
        + instance("web#2", "1.0.0", false, "stopping: replacing web:1.0.0#2 with web:1.0.0#2 (env changed)") + ","
        + instance("web#3", "1.0.0", true, "waiting to roll to 1.0.0: web#2 on n2 is being replaced") + "]}";

    String out = print(rollouts, instances, Map.of("web", "1.0.0"));

    assertEquals("\n"
        + "ROLLOUT  FROM   TO     PROGRESS     STATE\n"
        + "web      1.0.0  1.0.0  1 of 3 done  rolling: replacing web#2 on n2 (to 1.0.0); waiting: web#3\n", out);
  }

  @Test
  void theHaltOfTheVersionTheRepoAsksForWinsOverAnOlderOne() throws Exception {
    JsonNode rollouts = Json.MAPPER.readTree("{\"learning\":false,\"apps\":[{\"app\":\"web\",\"replacing\":[],"
        + "\"stopped\":{\"1.1.0/aaaaaaaaaaaa\":\"web#1 on n1: old news\",\"1.2.0/bbbbbbbbbbbb\":\"web#1 on n1: exited\"}}]}");
    String instances = "{\"instances\":[" + instance("web#1", "1.2.0", false, "backoff") + ","
        + instance("web#2", "1.0.0", true, "rollout of web to 1.2.0 stopped: web#1 on n1: exited (fix the app and commit)") + "]}";

    String out = print(rollouts, instances, Map.of("web", "1.2.0"));

    assertEquals("web      1.0.0  1.2.0  0 of 2 done  stopped: web#1 on n1: exited", out.lines().toList().get(2));
  }

  @Test
  void nothingRollingPrintsNothing() throws Exception {
    String instances = "{\"instances\":[" + instance("web#1", "1.0.0", true, "healthy, pid 7") + "]}";
    assertEquals("", print(Json.MAPPER.readTree("{\"learning\":false,\"apps\":[]}"), instances, Map.of()));
  }

  @Test
  void aRollingAppSaysWhichInstancesAreNotServingSoTheOthersWait() throws Exception {
    JsonNode rollouts = Json.MAPPER.readTree("{\"learning\":false,\"apps\":[],"
        + "\"down\":{\"greeter\":[\"greeter#3 on n3 (backoff)\"],\"web\":[\"web#1 on n1 (starting)\"]}}");
    String instances = "{\"instances\":[" + instance("greeter#1", "1.0.0", true,
        "waiting to roll to 1.1.0: greeter#3 on n3 (backoff) is not serving") + ","
        + instance("greeter#2", "1.0.0", true, "waiting to roll to 1.1.0: greeter#3 on n3 (backoff) is not serving") + ","
        + instance("greeter#3", "1.1.0", false, "backoff") + ","
        + instance("web#1", "1.0.0", false, "pid 7, not healthy yet") + "]}";

    String out = print(rollouts, instances, Map.of("greeter", "1.1.0", "web", "1.0.0"));

    // web rolls nothing: its instance down shows in the instance table only
    assertEquals("\n"
        + "ROLLOUT  FROM   TO     PROGRESS     STATE\n"
        + "greeter  1.0.0  1.1.0  0 of 3 done  rolling: waiting: greeter#1, greeter#2; not serving: greeter#3 on n3 (backoff)\n",
        out);
  }

  @Test
  void aStoppedRolloutNamesTheOtherInstancesThatDoNotServe() throws Exception {
    JsonNode rollouts = Json.MAPPER.readTree("{\"learning\":false,\"apps\":[{\"app\":\"web\",\"replacing\":[\"web#1 on n1 (to 1.2.0)\"],"
        + "\"stopped\":{\"1.2.0/bbbbbbbbbbbb\":\"web#1 on n1: exited\"}}],\"down\":{\"web\":[\"web#3 on n2 (backoff)\"]}}");
    String instances = "{\"instances\":[" + instance("web#1", "1.2.0", false, "backoff") + ","
        + instance("web#2", "1.0.0", true, "rollout of web to 1.2.0 stopped: web#1 on n1: exited (fix the app and commit)") + ","
        + instance("web#3", "1.0.0", false, "backoff; kept on 1.0.0: rollout of web to 1.2.0 stopped: web#1 on n1: exited") + "]}";

    String out = print(rollouts, instances, Map.of("web", "1.2.0"));

    assertEquals("web: the other instances keep 1.0.0 and serve (not serving now: web#3 on n2 (backoff)). To go on, read why "
        + "(glow logs web#1), then commit a fixed version or 1.0.0 back: a new commit starts a new rollout (recommitting "
        + "the same files does not).", out.lines().toList().get(3));
  }
}
