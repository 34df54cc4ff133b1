package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The API of one node answers for the whole cluster, from the moment the other node joined: two
 * real nodes in one JVM (a1 runs the greeter, a2 the ticker), every question asked of a1's API only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoNodeApiTest {
  static TestNode a1;
  static TestNode a2;
  static final Client client = new Client();

  /**
   * The Receptionist's gossip slowed from 2 s to 30 s: what a1's API shows of a2 must not wait for
   * it (on a loaded machine it can take seconds, and a2's first events were lost in that window).
   */
  static final Map<String, String> SLOW_RECEPTIONIST = Map.of("akka.cluster.typed.receptionist.distributed-data.gossip-interval", "30s");

  @BeforeAll
  static void start() throws Exception {
    a1 = new TestNode("a1", "a2", null, SLOW_RECEPTIONIST);
    a2 = new TestNode("a2", "a2", a1, SLOW_RECEPTIONIST);
    awaitOnA1("ticker#1", i -> i.path("state").asText().equals("running"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (a2 != null) a2.close();
    if (a1 != null) a1.close();
  }

  static JsonNode awaitOnA1(String key, Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Client.Reply r = client.get(a1.url("/api/instances"));
      last = r.body();
      if (r.status() == 200) {
        for (JsonNode i : r.json().path("instances")) if (i.path("key").asText().equals(key) && ok.test(i)) return i;
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling interval
    }
    throw new AssertionError(key + " never matched on a1; last /api/instances: " + last);
  }

  @Test
  @Order(1)
  void clusterListsBothNodesWithTheOldestRunningTheRepoSync() throws Exception {
    JsonNode c = client.get(a1.url("/api/cluster")).json();
    assertEquals(2, c.path("nodes").size(), c.toString());
    assertEquals("a1", c.path("repoSyncNode").asText());
    assertEquals("Up", ApiRoutesTest.find(c.path("nodes"), "name", "a2").path("status").asText());
  }

  @Test
  @Order(2)
  void instancesOfTheOtherNodeComeWithTheirPidAndNode() throws Exception {
    JsonNode t = awaitOnA1("ticker#1", i -> i.has("pid"));
    assertEquals("a2", t.path("node").asText());
    assertEquals("a2", client.get(a2.url("/api/instances/ticker%231")).json().path("node").asText());
  }

  @Test
  @Order(3)
  void logsOfTheOtherNodeAreMergedInAndFollowedWithinOneSecond() throws Exception {
    Client.Reply r = client.get(a1.url("/api/logs?app=ticker&limit=3"));
    assertEquals(200, r.status());
    for (String line : r.body().split("\n")) assertEquals("a2", Json.MAPPER.readTree(line).path("node").asText(), line);
    // limit=0: nothing older than the request; lines printed while the stream opens are live
    Instant asked = Instant.now();
    try (Client.Lines f = client.stream(a1.url("/api/logs?instance=ticker%231&follow=true&limit=0"), null)) {
      String line = f.await(l -> l.contains("\"text\":\"tick "), Duration.ofSeconds(1));
      assertFalse(Instant.parse(Json.MAPPER.readTree(line).path("timestamp").asText()).isBefore(asked.minusMillis(50)), line);
    }
  }

  @Test
  @Order(4)
  void restartOnTheOtherNodeIsSeenInA1sEventsAndLog() throws Exception {
    long pid = awaitOnA1("ticker#1", i -> i.has("pid")).path("pid").asLong();
    try (Client.Lines events = client.stream(a1.url("/api/events"), "text/event-stream");
        Client.Lines log = client.stream(a1.url("/api/logs?app=ticker&follow=true&limit=0"), "text/event-stream")) {
      events.await(l -> l.equals("event:repo"), Duration.ofSeconds(5));
      Client.Reply r = client.post(a1.url("/api/instances/ticker%231/restart"), TestNode.TOKEN);
      assertEquals(202, r.status(), r.body());
      assertEquals("a2", r.json().path("node").asText());
      events.await(l -> l.contains("\"key\":\"ticker#1\"") && l.contains("\"node\":\"a2\"") && l.contains("\"restarts\":1"),
          Duration.ofSeconds(10));
      String started = log.await(l -> l.contains("ticker started pid"), Duration.ofSeconds(10));
      assertFalse(started.contains("pid " + pid + "\""), started);
    }
  }

  @Test
  @Order(5)
  void whenTheOtherNodeLeavesItsInstanceIsPending() throws Exception {
    a2.close();
    a2 = null;
    JsonNode t = awaitOnA1("ticker#1", i -> i.path("state").asText().equals("pending"));
    assertEquals("node a2 not in cluster", t.path("detail").asText());
    JsonNode c = client.get(a1.url("/api/cluster")).json();
    assertTrue(c.path("nodes").size() == 1 || !ApiRoutesTest.find(c.path("nodes"), "name", "a2").path("status").asText().equals("Up"),
        c.toString());
  }
}
