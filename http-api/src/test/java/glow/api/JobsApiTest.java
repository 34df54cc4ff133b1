package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import glow.actors.repo.RepoSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job routes on a real one-node cluster ({@link TestNode}) with a job of the ticker app whose
 * command is overridden by a short shell line: list, detail with history, run now, refusal while
 * running (overlap forbid), and the token on POST.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class JobsApiTest {
  static TestNode n;
  static final Client client = new Client();

  @BeforeAll
  static void start() throws Exception {
    n = new TestNode("n1");
    n.write("jobs/report.yaml", "app: ticker\nnode: n1\nschedule: \"0 3 * * *\"\ntime-zone: Europe/Paris\n"
        + "command: [sh, -c, \"echo report by $GLOW_JOB run $GLOW_JOB_RUN; sleep 2\"]\nkeep: 5\n");
    n.services.sync().tell(new RepoSync.SyncNow());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (n.services.current() == null || !n.services.current().jobs().containsKey("report")) {
      if (System.nanoTime() > deadline) throw new AssertionError("job report never in force");
      TimeUnit.MILLISECONDS.sleep(100); // polling interval
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (n != null) n.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void runNowStartsARunRefusesASecondWhileItRunsAndHistoryShowsIt() throws Exception {
    Client.Reply list = client.get(n.url("/api/jobs"));
    assertEquals(200, list.status(), list.body());
    JsonNode job = list.json().path("jobs").get(0);
    assertEquals("report", job.path("name").asText());
    assertEquals("ticker", job.path("app").asText());
    assertEquals("1.0.0", job.path("version").asText());
    assertEquals("Europe/Paris", job.path("timeZone").asText());
    assertEquals("forbid", job.path("overlap").asText());
    // 03:00 in Paris is 01:00 or 02:00 UTC
    String next = job.path("nextRun").asText();
    assertTrue(next.endsWith("T02:00:00Z") || next.endsWith("T01:00:00Z"), next);

    assertEquals(401, client.post(n.url("/api/jobs/report/run"), null).status());
    Client.Reply started = client.post(n.url("/api/jobs/report/run"), TestNode.TOKEN);
    assertEquals(202, started.status(), started.body());
    assertEquals(1, started.json().path("run").asInt());
    Client.Reply refused = client.post(n.url("/api/jobs/report/run"), TestNode.TOKEN);
    assertEquals(409, refused.status(), refused.body());
    assertEquals("job report skipped: previous run #1 still running (overlap: forbid)", refused.json().path("error").asText());

    JsonNode run = awaitRun(r -> r.path("state").asText().equals("succeeded"));
    assertEquals("manual", run.path("trigger").asText());
    assertEquals(0, run.path("exitCode").asInt());
    assertTrue(run.path("durationMs").asLong() >= 2000, run.toString());
    String log = Files.readString(Path.of(run.path("log").asText()));
    assertTrue(log.contains("report by report run 1"), log);
    // the run's lines are in the node's logs, by app and by the run's key
    for (String query : new String[] {"app=ticker", "instance=job:report%231"}) {
      Client.Reply lines = client.get(n.url("/api/logs?" + query + "&limit=10000"));
      assertEquals(200, lines.status(), lines.body());
      assertTrue(lines.body().lines().anyMatch(l -> l.contains("\"instance\":\"job:report#1\"")
          && l.contains("report by report run 1")), query + ": " + lines.body());
    }
    assertEquals(404, client.get(n.url("/api/jobs/nope")).status());
    assertEquals(404, client.post(n.url("/api/jobs/nope/run"), TestNode.TOKEN).status());
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void theDashboardListsTheJobWithItsLastRun() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Chrome.CHROMEDRIVER),
        "no /usr/bin/chromedriver: install the chromium and chromium-driver packages to run the browser test");
    Client.Reply started = client.post(n.url("/api/jobs/report/run"), TestNode.TOKEN);
    int id = started.status() == 202 ? started.json().path("run").asInt() : -1; // 409: the other test's run still goes
    awaitRun(r -> !r.path("state").asText().equals("running"));
    try (Chrome chrome = new Chrome()) {
      chrome.open(n.url("/"));
      String row = "const r = document.querySelector('#jobs tr[data-job=\"report\"]'); return r ? r.textContent : null";
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String text = null;
      while (System.nanoTime() < deadline) {
        JsonNode v = chrome.script(row);
        text = v.isTextual() ? v.asText() : null;
        if (text != null && text.contains("succeeded") && (id < 0 || text.contains("#" + id))) break;
        TimeUnit.MILLISECONDS.sleep(200); // polling interval
      }
      assertTrue(text != null && text.contains("succeeded") && text.contains("ticker") && text.contains("0 3 * * *")
          && text.contains("Europe/Paris"), "the jobs table row: " + text);
      assertEquals(false, chrome.script("return document.querySelector('#jobs-section').hidden").asBoolean());
    }
  }

  static JsonNode awaitRun(Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Client.Reply r = client.get(n.url("/api/jobs/report"));
      last = r.body();
      JsonNode runs = r.json().path("runs");
      if (runs.size() > 0 && ok.test(runs.get(runs.size() - 1))) return runs.get(runs.size() - 1);
      TimeUnit.MILLISECONDS.sleep(100); // polling interval
    }
    throw new AssertionError("run never matched; last /api/jobs/report: " + last);
  }
}
