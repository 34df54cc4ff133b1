package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * Every route of the API against a real one-node cluster ({@link TestNode}: real processes, a real
 * repo directory, real loopback proxy), over real HTTP. Steps that change the node run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiRoutesTest {
  static TestNode n;
  static final Client client = new Client();

  @BeforeAll
  static void start() throws Exception {
    n = new TestNode("n1");
    awaitInstance("greeter#1", i -> i.path("state").asText().equals("running") && i.path("healthy").asBoolean());
    awaitInstance("ticker#1", i -> i.path("state").asText().equals("running"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (n != null) n.close();
  }

  static JsonNode awaitInstance(String key, Predicate<JsonNode> ok) throws Exception {
    JsonNode all = awaitJson("/api/instances", r -> findInstance(r, key, ok) != null);
    return findInstance(all, key, ok);
  }

  private static JsonNode findInstance(JsonNode instances, String key, Predicate<JsonNode> ok) {
    for (JsonNode i : instances.path("instances")) {
      if (i.path("key").asText().equals(key) && ok.test(i)) return i;
    }
    return null;
  }

  /** Polls a GET route until its JSON satisfies ok (state spreads asynchronously: registry gossip, health checks). */
  static JsonNode awaitJson(String path, Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Client.Reply r = client.get(n.url(path));
      if (r.status() == 200) {
        last = r.body();
        if (ok.test(r.json())) return r.json();
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling interval, not a wait for an event
    }
    throw new AssertionError(path + " never matched; last answer: " + last);
  }

  @Test
  @Order(1)
  void clusterShowsThisNodeUpAsLeaderWhereTheRepoSyncRuns() throws Exception {
    Client.Reply r = client.get(n.url("/api/cluster"));
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonNode c = r.json();
    assertEquals("n1", c.path("self").asText());
    assertEquals("n1", c.path("repoSyncNode").asText());
    JsonNode node = c.path("nodes").get(0);
    assertEquals("n1", node.path("name").asText());
    assertEquals("Up", node.path("status").asText());
    assertTrue(node.path("leader").asBoolean());
    assertTrue(node.path("repoSync").asBoolean());
    assertTrue(node.path("roles").toString().contains("glow-node:n1"), node.toString());
    assertTrue(node.path("reachable").asBoolean());
    assertEquals("up", node.path("detail").asText());
    assertFalse(node.has("unreachableSince"), "only an unreachable node has it: " + node);
  }

  @Test
  @Order(2)
  void appsListEveryAppWithItsInstancesAndOneAppShowsSpecAndLiveInstances() throws Exception {
    JsonNode apps = client.get(n.url("/api/apps")).json();
    assertEquals("[\"greeter#1\"]", find(apps.path("apps"), "name", "greeter").path("instances").toString());
    assertEquals("[\"ticker#1\"]", find(apps.path("apps"), "name", "ticker").path("instances").toString());
    Client.Reply one = client.get(n.url("/api/apps/greeter"));
    assertEquals(200, one.status(), one.body());
    assertEquals("greeter", one.json().path("spec").path("image").asText());
    assertEquals("running", one.json().path("instances").get(0).path("state").asText());
    Client.Reply missing = client.get(n.url("/api/apps/nope"));
    assertEquals(404, missing.status());
    assertEquals("no app named \"nope\"", missing.json().path("error").asText());
    assertTrue(missing.json().has("hint"));
  }

  @Test
  @Order(3)
  void instancesShowStatePidPortsHealthAndUptime() throws Exception {
    JsonNode g = awaitInstance("greeter#1", i -> i.has("uptimeSeconds"));
    assertEquals("greeter:1.0.0#1", g.path("id").asText());
    assertEquals("greeter", g.path("app").asText());
    assertEquals("1.0.0", g.path("version").asText());
    assertEquals("n1", g.path("node").asText());
    assertTrue(g.path("pid").asLong() > 0, g.toString());
    assertEquals(n.greeterPort, g.path("ports").path("http").asInt());
    assertTrue(g.path("healthy").asBoolean());
    assertEquals(0, g.path("restarts").asInt());
    assertTrue(g.path("configVersion").asText().matches("[0-9a-f]{12}"), g.toString());
    assertEquals("[]", client.get(n.url("/api/instances")).json().path("unanswered").toString());
  }

  @Test
  @Order(4)
  void oneInstanceByUrlEncodedKeyOrIdAndUnknownIs404() throws Exception {
    Client.Reply byKey = client.get(n.url("/api/instances/greeter%231"));
    assertEquals(200, byKey.status(), byKey.body());
    assertEquals("greeter#1", byKey.json().path("key").asText());
    Client.Reply byId = client.get(n.url("/api/instances/greeter:1.0.0%231"));
    assertEquals("greeter#1", byId.json().path("key").asText());
    Client.Reply missing = client.get(n.url("/api/instances/greeter%239"));
    assertEquals(404, missing.status());
    assertEquals("no instance \"greeter#9\"", missing.json().path("error").asText());
  }

  @Test
  @Order(5)
  void servicesShowTheLoopbackListenerWithItsEndpointAndTheRegistry() throws Exception {
    // the listener learns its endpoint from the registry a moment after the greeter turns healthy
    JsonNode s = awaitJson("/api/services", j -> {
      JsonNode l = find(j.path("listeners"), "port", String.valueOf(n.local));
      return l != null && l.path("endpoints").size() > 0 && j.path("registry").has("greeter:" + n.greeterPort);
    });
    JsonNode l = find(s.path("listeners"), "port", String.valueOf(n.local));
    assertEquals("greeter:" + n.greeterPort, l.path("service").asText(), l.toString());
    assertEquals("[\"ticker:1.0.0#1\"]", l.path("neededBy").toString());
    assertEquals("127.0.0.1:" + n.greeterPort, l.path("endpoints").get(0).path("endpoint").asText());
    assertEquals("available", l.path("endpoints").get(0).path("state").asText());
    assertEquals("127.0.0.1:" + n.greeterPort,
        s.path("registry").path("greeter:" + n.greeterPort).get(0).path("hostPort").asText(), s.toString());
  }

  @Test
  @Order(15)
  void exposesShowEachExposeAsWrittenAndItsListenerOnThisEdgeNodeWithEndpoints() throws Exception {
    JsonNode all = awaitJson("/api/exposes", j -> {
      for (JsonNode e : j.path("exposes")) {
        if (!e.path("here").path("state").asText().equals("bound") || e.path("here").path("endpoints").size() == 0) return false;
      }
      return j.path("exposes").size() == 2;
    });
    assertEquals("n1", all.path("node").asText());
    assertTrue(all.path("version").asText().startsWith("dir-"), all.toString());
    String endpoints = "[{\"endpoint\":\"127.0.0.1:" + n.greeterPort + "\",\"node\":\"n1\",\"state\":\"available\","
        + "\"activeConnections\":0,\"consecutiveFailures\":0}]";
    // sorted by name: greeter-site (http) before greeter-tcp
    assertEquals("{\"name\":\"greeter-site\",\"mode\":\"http\",\"listen\":\"127.0.0.1:" + n.httpExpose + "\","
        + "\"nodes\":[\"n1\"],\"target\":\"greeter:http\",\"service\":\"greeter:" + n.greeterPort + "\","
        + "\"hosts\":[\"greeter.test\"],\"path\":\"/\",\"tls\":false,"
        + "\"here\":{\"listener\":\"http 127.0.0.1:" + n.httpExpose + "\",\"state\":\"bound\","
        + "\"boundAddress\":\"127.0.0.1:" + n.httpExpose + "\",\"endpoints\":" + endpoints + ","
        + "\"metrics\":{\"series\":\"glow_expose_requests_total\",\"listener\":\"http 127.0.0.1:" + n.httpExpose + "\","
        + "\"expose\":\"greeter-site\"}}}", all.path("exposes").get(0).toString());
    JsonNode tcp = all.path("exposes").get(1);
    assertEquals("{\"name\":\"greeter-tcp\",\"mode\":\"tcp\",\"listen\":\"127.0.0.1:" + n.tcpExpose + "\","
        + "\"nodes\":[\"n1\"],\"target\":\"greeter:http\",\"service\":\"greeter:" + n.greeterPort + "\",\"tls\":false,"
        + "\"here\":{\"listener\":\"127.0.0.1:" + n.tcpExpose + "\",\"state\":\"bound\","
        + "\"boundAddress\":\"127.0.0.1:" + n.tcpExpose + "\",\"activeConnections\":0,\"endpoints\":" + endpoints + ","
        + "\"metrics\":{\"series\":\"glow_proxy_connections_opened_total\",\"listener\":\"127.0.0.1:" + n.tcpExpose + "\"}}}",
        tcp.toString());

    // the metric named there counts a request through the http expose
    String viaSite = TestNode.rawGet(n.httpExpose, "greeter.test");
    assertTrue(viaSite.startsWith("HTTP/1.1 200"), viaSite);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String text = "";
    while (System.nanoTime() < deadline && !text.contains("expose=\"greeter-site\"")) {
      text = client.get(n.url("/metrics")).body();
      TimeUnit.MILLISECONDS.sleep(200); // polling interval: Kamon publishes once per tick
    }
    assertTrue(text.lines().anyMatch(l -> l.startsWith("glow_expose_requests_total{") && l.contains("expose=\"greeter-site\"")
        && l.contains("listener=\"http 127.0.0.1:" + n.httpExpose + "\"")), text);
  }

  @Test
  void rolloutsAnswerFromTheCoordinatorWithNoPermitOutWhenNothingRolls() throws Exception {
    // every instance has served since its start: none is still reported down
    JsonNode r = awaitJson("/api/rollouts", j -> !j.path("learning").asBoolean() && j.path("down").isEmpty());
    assertEquals("{\"learning\":false,\"apps\":[]}", r.toString()); // an empty "down" is left out
  }

  @Test
  @Order(6)
  void repoShowsVersionLastSyncAndNoProblems() throws Exception {
    JsonNode r = client.get(n.url("/api/repo")).json();
    assertTrue(r.path("version").asText().startsWith("dir-"), r.toString());
    assertTrue(r.path("valid").asBoolean(), r.toString());
    assertEquals(0, r.path("problems").size());
    assertTrue(Instant.parse(r.path("lastSync").asText()).isAfter(Instant.now().minusSeconds(60)));
  }

  @Test
  @Order(7)
  void logsOfAnAppAreJsonLinesAndServerSentEventsOnAsk() throws Exception {
    Client.Reply r = client.get(n.url("/api/logs?app=ticker&since=5m&limit=5"));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (r.body().split("\n").length < 5 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100); // polling interval: the ticker prints every 200 ms
      r = client.get(n.url("/api/logs?app=ticker&since=5m&limit=5"));
    }
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/x-ndjson"), r.contentType());
    String[] lines = r.body().split("\n");
    assertEquals(5, lines.length, r.body());
    JsonNode first = Json.MAPPER.readTree(lines[0]);
    assertEquals("ticker", first.path("app").asText());
    assertEquals("ticker#1", first.path("instance").asText());
    assertEquals("n1", first.path("node").asText());
    assertEquals("stdout", first.path("stream").asText());
    try (Client.Lines sse = client.stream(n.url("/api/logs?instance=ticker%231&limit=2"), "text/event-stream")) {
      assertEquals(200, sse.status);
      assertTrue(sse.contentType.startsWith("text/event-stream"), sse.contentType);
      assertEquals("event:log", sse.await(l -> l.startsWith("event:"), Duration.ofSeconds(5)));
      assertTrue(sse.await(l -> l.startsWith("data:"), Duration.ofSeconds(5)).contains("\"instance\":\"ticker#1\""));
    }
  }

  @Test
  @Order(8)
  void badLogParametersAre400WithWhatToDo() throws Exception {
    Client.Reply since = client.get(n.url("/api/logs?since=yesterday"));
    assertEquals(400, since.status());
    assertEquals("since must be a duration (10m, 30s, 2h, 1d) or an instant (2026-11-22T01:00:00Z), not \"yesterday\"",
        since.json().path("error").asText());
    assertTrue(since.json().path("hint").asText().contains("follow=true|false"));
    assertEquals(400, client.get(n.url("/api/logs?follow=maybe")).status());
    assertEquals(400, client.get(n.url("/api/logs?limit=-1")).status());
    assertEquals("unknown parameter \"colour\"", client.get(n.url("/api/logs?colour=red")).json().path("error").asText());
  }

  @Test
  @Order(9)
  void followedLogShowsALineTheInstancePrintsWithinOneSecond() throws Exception {
    // limit=0: nothing older than the request; lines printed while the stream opens are live
    Instant asked = Instant.now();
    try (Client.Lines f = client.stream(n.url("/api/logs?app=ticker&follow=true&limit=0"), null)) {
      assertEquals(200, f.status);
      String line = f.await(l -> l.contains("\"text\":\"tick "), Duration.ofSeconds(1));
      assertFalse(Instant.parse(Json.MAPPER.readTree(line).path("timestamp").asText()).isBefore(asked.minusMillis(50)),
          "a new line, not history: " + line);
    }
  }

  @Test
  @Order(10)
  void metricsAreProometheusTextWithProxyInstanceAndJvmSeries() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (Socket s = new Socket("127.0.0.1", n.local)) {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String text = "";
    while (System.nanoTime() < deadline && !text.contains("glow_proxy_connections_opened_total{")) {
      Client.Reply r = client.get(n.url("/metrics"));
      assertEquals(200, r.status());
      assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
      text = r.body();
      TimeUnit.MILLISECONDS.sleep(200); // polling interval: Kamon publishes once per tick
    }
    assertTrue(text.contains("glow_proxy_connections_opened_total{"), text);
    assertTrue(text.contains("glow_instance_state{"), text);
    assertTrue(text.contains("instance=\"greeter#1\""), text);
    assertTrue(text.contains("glow_jvm_heap_used_bytes "), text);
  }

  @Test
  @Order(11)
  void akkaManagementHealthAndClusterRoutesSitBeside() throws Exception {
    assertEquals(200, client.get(n.url("/ready")).status());
    assertEquals(200, client.get(n.url("/alive")).status());
    Client.Reply members = client.get(n.url("/cluster/members"));
    assertEquals(200, members.status(), members.body());
    assertTrue(members.body().contains("glow-node:n1"), members.body());
  }

  @Test
  @Order(12)
  void unknownPathIs404AndWrongMethodIs405AsJson() throws Exception {
    Client.Reply nope = client.get(n.url("/api/nope"));
    assertEquals(404, nope.status());
    assertEquals("no such route", nope.json().path("error").asText());
    Client.Reply method = client.post(n.url("/api/cluster"), TestNode.TOKEN);
    assertEquals(405, method.status());
    assertEquals("use GET", method.json().path("hint").asText());
  }

  @Test
  @Order(13)
  void dashboardIsServedAtTheRoot() throws Exception {
    Client.Reply page = client.get(n.url("/"));
    assertEquals(200, page.status());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().contains("<title>Glow</title>"), page.body());
    assertEquals(200, client.get(n.url("/dashboard/app.js")).status());
  }

  @Test
  @Order(14)
  void eachInstanceKeepsItsLogWithinTheConfiguredSize() throws Exception {
    java.nio.file.Path dir = n.data.resolve("logs");
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!java.nio.file.Files.exists(dir.resolve("ticker#1.log.1")) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100); // polling interval: the ticker fills 400 bytes in about 2 s
    }
    assertTrue(java.nio.file.Files.exists(dir.resolve("ticker#1.log.1")), "rotated once");
    // keep = 1: one rotated file at most; each at most max-bytes (a record is written whole)
    long deadline2 = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline2) {
      assertFalse(java.nio.file.Files.exists(dir.resolve("ticker#1.log.2")));
      if (java.nio.file.Files.exists(dir.resolve("ticker#1.log.1"))) {
        assertTrue(java.nio.file.Files.size(dir.resolve("ticker#1.log.1")) <= TestNode.RETENTION_BYTES);
      }
      TimeUnit.MILLISECONDS.sleep(200); // sampled over a few rotations
    }
  }

  @Test
  @Order(20)
  void postWithoutTokenIs401WrongTokenIs403RightTokenSyncs() throws Exception {
    Client.Reply none = client.post(n.url("/api/sync"), null);
    assertEquals(401, none.status());
    assertEquals("missing bearer token", none.json().path("error").asText());
    Client.Reply wrong = client.post(n.url("/api/sync"), "guess");
    assertEquals(403, wrong.status());
    assertEquals("wrong API token", wrong.json().path("error").asText());
    Client.Reply ok = client.post(n.url("/api/sync"), TestNode.TOKEN);
    assertEquals(202, ok.status(), ok.body());
    assertEquals("requested", ok.json().path("sync").asText());
  }

  @Test
  @Order(21)
  void aNodeWithoutTokensRefusesEveryPostWithAHint() throws Exception {
    ApiSettings none = new ApiSettings("127.0.0.1", 0, java.util.List.of(), java.util.Optional.empty(),
        java.util.Optional.empty(), Duration.ofSeconds(3));
    try (GlowApi second = GlowApi.start(n.node, n.services, n.logs, none)) {
      Client.Reply r = client.post(second.url() + "/api/sync", "anything");
      assertEquals(403, r.status());
      assertEquals("this node has no API token, so it refuses every change", r.json().path("error").asText());
      assertTrue(r.json().path("hint").asText().contains("--api-token"));
      assertEquals(200, client.get(second.url() + "/api/cluster").status(), "reads need no token");
    }
  }

  @Test
  @Order(22)
  void restartThroughTheApiShowsInAFollowedLogAndAsAnEvent() throws Exception {
    long pid = awaitInstance("ticker#1", i -> i.path("state").asText().equals("running")).path("pid").asLong();
    try (Client.Lines log = client.stream(n.url("/api/logs?instance=ticker%231&follow=true&limit=0"), "text/event-stream");
        Client.Lines events = client.stream(n.url("/api/events"), "text/event-stream")) {
      // the event stream is open once its first event (the repo version) arrived
      events.await(l -> l.equals("event:repo"), Duration.ofSeconds(5));
      Client.Reply missing = client.post(n.url("/api/instances/ticker%239/restart"), TestNode.TOKEN);
      assertEquals(404, missing.status());
      Client.Reply r = client.post(n.url("/api/instances/ticker%231/restart"), TestNode.TOKEN);
      assertEquals(202, r.status(), r.body());
      String started = log.await(l -> l.contains("ticker started pid"), Duration.ofSeconds(10));
      assertFalse(started.contains("pid " + pid + "\""), "a new process: " + started);
      events.await(l -> l.startsWith("data:") && l.contains("\"key\":\"ticker#1\"") && l.contains("\"restarts\":1"),
          Duration.ofSeconds(10));
    }
    JsonNode after = awaitInstance("ticker#1", i -> i.path("state").asText().equals("running") && i.path("pid").asLong() != pid);
    assertEquals(1, after.path("restarts").asInt());
  }

  @Test
  @Order(23)
  void aBadRepoFileShowsInRepoWithItsFileWhileTheLastGoodKeepsRunning() throws Exception {
    n.write("apps/ticker.yaml", "image: ticker\nversion: 1.0.0\ncolour: blue\nrequires:\n  - greeter:http -> " + n.local + "\n");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode r = client.get(n.url("/api/repo")).json();
    while (System.nanoTime() < deadline && r.path("valid").asBoolean()) {
      TimeUnit.MILLISECONDS.sleep(100); // polling interval for the directory watcher's reload
      r = client.get(n.url("/api/repo")).json();
    }
    assertFalse(r.path("valid").asBoolean(), r.toString());
    assertEquals("apps/ticker.yaml", r.path("problems").get(0).path("file").asText(), r.toString());
    assertTrue(r.path("problemsByFile").has("apps/ticker.yaml"), r.toString());
    assertEquals("running", awaitInstance("ticker#1", i -> true).path("state").asText());
  }

  @Test
  @Order(24)
  void anInstanceOfAnAbsentNodeIsPendingAndCannotBeRestarted() throws Exception {
    n.write("deployments/greeter-9.yaml", "app: greeter\nnode: n9\ninstance: 9\n");
    JsonNode p = awaitInstance("greeter#9", i -> true);
    assertEquals("pending", p.path("state").asText());
    assertEquals("node n9 not in cluster", p.path("detail").asText());
    Client.Reply r = client.post(n.url("/api/instances/greeter%239/restart"), TestNode.TOKEN);
    assertEquals(409, r.status());
    assertEquals("greeter#9 is pending: node n9 is not in the cluster", r.json().path("error").asText());
  }

  @Test
  @Order(25)
  void withPemCertAndKeyTheApiSpeaksHttpsOnly() throws Exception {
    java.nio.file.Path dir = n.tmp.resolve("tls");
    java.nio.file.Files.createDirectories(dir);
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
          "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
          "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("openssl is needed to make a test certificate: " + e.getMessage());
      return;
    }
    openssl.getInputStream().readAllBytes();
    assertEquals(0, openssl.waitFor());
    ApiSettings tls = new ApiSettings("127.0.0.1", 0, java.util.List.of(TestNode.TOKEN),
        java.util.Optional.of(dir.resolve("cert.pem")), java.util.Optional.of(dir.resolve("key.pem")), Duration.ofSeconds(3));
    try (GlowApi secure = GlowApi.start(n.node, n.services, n.logs, tls)) {
      assertTrue(secure.url().startsWith("https://127.0.0.1:"), secure.url());
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      try (InputStream in = java.nio.file.Files.newInputStream(dir.resolve("cert.pem"))) {
        trust.setCertificateEntry("glow", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
      java.net.http.HttpResponse<String> r = https.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(secure.url() + "/api/cluster")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"self\":\"n1\""), r.body());
      Client.Reply plain = null;
      try {
        plain = client.get(secure.url().replace("https:", "http:") + "/api/cluster");
      } catch (java.io.IOException refused) {
        // a TLS listener drops a plain-text request: that is the point
      }
      assertTrue(plain == null || plain.status() != 200, "plain HTTP must not be served");
    }
  }

  @Test
  @Order(26)
  void unusableTlsFilesAreAClearError() throws Exception {
    java.nio.file.Path junk = n.tmp.resolve("junk.pem");
    java.nio.file.Files.writeString(junk, "not a certificate\n");
    ApiSettings bad = new ApiSettings("127.0.0.1", 0, java.util.List.of(), java.util.Optional.of(junk),
        java.util.Optional.of(junk), Duration.ofSeconds(3));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> GlowApi.start(n.node, n.services, n.logs, bad));
    assertTrue(e.getMessage().startsWith("glow.api.tls: cannot use cert " + junk + " and key " + junk), e.getMessage());
    assertTrue(e.getMessage().endsWith("give a PEM certificate chain and its PEM private key"), e.getMessage());
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode e : array) if (e.path(field).asText().equals(value)) return e;
    throw new AssertionError("no element with " + field + " = " + value + " in " + array);
  }
}
