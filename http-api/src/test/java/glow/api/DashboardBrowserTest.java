package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import glow.actors.node.TestArtifacts;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in a real headless Chromium against a real node: it lists every instance, its
 * traffic counters move after requests through a loopback port, a new log line appears live, the
 * exposes show with their traffic, an app rolling to a version that never gets healthy shows as
 * rolling and then as stopped with its reason, a second node that joins and then is cut off shows as unreachable since a time; and
 * it leaves a screenshot ({@code target/dashboard.png}, or the path in
 * {@code -Dglow.dashboard.screenshot=../docs/dashboard.png}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
  static TestNode n;
  static TestNode n2;
  static Chrome chrome;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Chrome.CHROMEDRIVER),
        "no /usr/bin/chromedriver: install the chromium and chromium-driver packages to run the browser test");
    n = new TestNode("web1", "web1", null, TestNode.CUTTABLE);
    chrome = new Chrome();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chrome != null) chrome.close();
    if (n2 != null) {
      // heal first and wait until web1 reaches web2 again, so that web2 leaves like any node
      n.cutOff(n2, false);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline && !akka.cluster.typed.Cluster.get(n.node.system()).state().getUnreachable().isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(100); // polling interval: the failure detector sees heartbeats again within ~1 s
      }
      n2.close();
    }
    if (n != null) n.close();
  }

  /** Polls a script until its value matches; fails with the last value. */
  static JsonNode await(String js, Predicate<JsonNode> ok, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode v = null;
    while (System.nanoTime() < deadline) {
      v = chrome.script(js);
      if (ok.test(v)) return v;
      TimeUnit.MILLISECONDS.sleep(200); // polling interval
    }
    throw new AssertionError("dashboard never showed it; last value of `" + js + "`: " + v);
  }

  /** Text of a cell, whitespace collapsed. */
  static final String CELLS = ".map(c => c.textContent.trim().replace(/\\s+/g, ' '))";

  /** Both exposes of the test repo as written, bound here with their endpoint, and their traffic as a rate. */
  void showsExposesWithTheirTraffic() throws Exception {
    String rows = "return [...document.querySelectorAll('#exposes tr[data-expose]')].map(r => [...r.cells].slice(0, 6)"
        + CELLS + ".join(' | ')).join('\\n')";
    await(rows, v -> v.asText().equals(
        "greeter-site | 127.0.0.1:" + n.httpExpose + " | http greeter.test / | greeter:http | plain | bound 127.0.0.1:" + n.httpExpose
            + " 1 of 1 endpoints available\n"
            + "greeter-tcp | 127.0.0.1:" + n.tcpExpose + " | tcp every connection | greeter:http | plain | bound 127.0.0.1:" + n.tcpExpose
            + " 1 of 1 endpoints available"), Duration.ofSeconds(20));
    for (int i = 0; i < 20; i++) {
      String a = TestNode.rawGet(n.httpExpose, "greeter.test");
      assertTrue(a.startsWith("HTTP/1.1 200"), a);
      if (i % 4 == 0) {
        String b = TestNode.rawGet(n.tcpExpose, "anything");
        assertTrue(b.startsWith("HTTP/1.1 200"), b);
      }
    }
    String rate = "return document.querySelector('#exposes tr[data-expose=\"%s\"] [data-metric=rate] b').textContent";
    await(rate.formatted("greeter-site"), v -> v.asText().matches("[0-9.]+ req/s") && Double.parseDouble(v.asText().split(" ")[0]) > 0,
        Duration.ofSeconds(20));
    await(rate.formatted("greeter-tcp"), v -> v.asText().matches("[0-9.]+ /s") && Double.parseDouble(v.asText().split(" ")[0]) > 0,
        Duration.ofSeconds(20));
  }

  /**
   * An app of two healthy instances (the greeter's artifact) whose new version runs but never answers
   * its health check: while the first replacement waits to be healthy the page shows the app rolling
   * (which instance is replaced, to what, and what the other waits for); after the start timeout
   * (10 s in tests) the rollout stops, and the page says why (the coordinator's own words) and what
   * to do, while the other instance keeps the old version. A third instance never serves (its port is
   * taken; max-unavailable 2 lets the rollout go on beside it): both views name it as not serving.
   */
  void showsARollingAppThenItsStoppedRolloutWithItsReasonAndWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      rollingThenStopped(taken);
    }
  }

  private void rollingThenStopped(ServerSocket taken) throws Exception {
    await("const p = document.querySelector('[data-rollouts=none]'); return p ? p.textContent : null", JsonNode::isTextual,
        Duration.ofSeconds(10));
    TestArtifacts.tarGz(n.tmp.resolve("artifacts"), "greeter", "9.9.9", java.util.Map.of("bin/start",
        "#!/bin/sh\necho \"shop 9.9.9: waiting for its database\"\nwhile true; do sleep 1; done\n"));
    int port = TestNode.freePortPair(); // shop#2 runs with port-offset 1
    for (int i = 0; i < 50 && taken.getLocalPort() <= port + 1; i++) port = TestNode.freePortPair();
    assertTrue(taken.getLocalPort() > port + 1, "a free port pair below the taken port " + taken.getLocalPort());
    String app = "image: greeter\nversion: %s\ncommand: [bin/start]\nprovides: {http: " + port + "}\n"
        + "config: {path: greeter.properties, source: configs/greeter.properties, on-change: reload}\n"
        + "health: {port: http, http: /healthz, interval: 300ms, timeout: 1s}\nrollout: {max-unavailable: 2}\n";
    n.write("apps/shop.yaml", app.formatted("1.0.0"));
    n.write("deployments/shop-1.yaml", "app: shop\nnode: web1\ninstance: 1\n");
    n.write("deployments/shop-2.yaml", "app: shop\nnode: web1\ninstance: 2\nport-offset: 1\n");
    // shop#3 cannot bind its port, exits and retries with back-off: never serving
    n.write("deployments/shop-3.yaml", "app: shop\nnode: web1\ninstance: 3\nport-offset: " + (taken.getLocalPort() - port) + "\n");
    String shops = "return [...document.querySelectorAll('#instances tr[data-instance^=\"shop\"]')]"
        + ".map(r => r.dataset.instance + '=' + r.cells[1].textContent + '=' + r.querySelector('.state').textContent).join(' ')";
    await(shops, v -> v.asText().startsWith("shop#1=1.0.0=running shop#2=1.0.0=running shop#3=1.0.0="), Duration.ofSeconds(30));
    // the coordinator counts shop#3 before the rollout (else both others could get a permit under max-unavailable 2)
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String down = "";
    while (!down.matches("\\[\"shop#3 on web1 \\([a-z-]+\\)\"]") && System.nanoTime() - until < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the poll interval
      down = new Client().get(n.url("/api/rollouts")).json().path("down").path("shop").toString();
    }
    assertTrue(down.matches("\\[\"shop#3 on web1 \\([a-z-]+\\)\"]"), "GET /api/rollouts down of shop: " + down);

    n.write("apps/shop.yaml", app.formatted("9.9.9"));
    String rolling = "const r = document.querySelector('[data-rollout-rolling=\"shop\"]');"
        + " return r ? r.textContent.trim().replace(/\\s+/g, ' ') : null";
    // which instance gets the permit first is the coordinator's choice
    // the coordinator's word for shop#3's state (starting, backoff ...) changes as it retries
    String seen = await(rolling, v -> v.asText().matches("shop is rolling\\. Replacing shop#[12] on web1 \\(to 9\\.9\\.9\\) "
        + "shop#[12] waits: to roll to 9\\.9\\.9: shop#[12] on web1 is being replaced; shop#3 on web1 \\([a-z-]+\\) is not serving "
        + "Not serving: shop#3 on web1 \\([a-z-]+\\) \\(it counts against max-unavailable\\)\\."), Duration.ofSeconds(9)).asText();
    String failed = seen.substring("shop is rolling. Replacing ".length(), "shop is rolling. Replacing ".length() + 6);
    String kept = failed.equals("shop#1") ? "shop#2" : "shop#1";
    assertTrue(seen.contains(kept + " waits: to roll to 9.9.9: " + failed + " on web1 is being replaced; shop#3"), seen);

    String stopped = "const s = document.querySelector('[data-rollout-stopped=\"shop\"]');"
        + " return s ? s.textContent.trim().replace(/\\s+/g, ' ') : null";
    String text = await(stopped, JsonNode::isTextual, Duration.ofSeconds(20)).asText();
    JsonNode rollout = ApiRoutesTest.find(new Client().get(n.url("/api/rollouts")).json().path("apps"), "app", "shop");
    String reason = rollout.path("stopped").elements().next().asText();
    assertTrue(reason.startsWith(failed + " on web1: not healthy within 10.0 s of its start (last check: "), reason);
    assertTrue(text.startsWith("Rollout of shop to 9.9.9 stopped. 9.9.9/"), text);
    assertTrue(text.contains(reason), "the coordinator's reason, as it says it: " + text);
    assertTrue(text.contains("What to do: the other instances keep 1.0.0 and serve. Fix the app and commit (a fixed version, or 1.0.0 back)"),
        text);
    await("return [...document.querySelectorAll('#apps tr[data-app]')].map(r => r.dataset.app + ' ' + r.querySelector('[data-rollout]').textContent).join(', ')",
        v -> v.asText().equals("greeter , shop stopped, ticker "), Duration.ofSeconds(10));
    // shop#3 still does not serve: the stopped rollout names it (the failed instance holds the permit, so it is not listed)
    await("const d = document.querySelector('[data-rollout-stopped=\"shop\"] [data-not-serving]');"
        + " return d ? d.textContent.trim().replace(/\\s+/g, ' ') : null",
        v -> v.asText().matches("Not serving: shop#3 on web1 \\([a-z-]+\\) \\(it counts against max-unavailable\\)\\."),
        Duration.ofSeconds(10));
    // the failed instance: still down on the new version, with its last attempt
    await("const d = document.querySelector('[data-rollout-stopped=\"shop\"] [data-still-down]');"
        + " return d ? d.textContent.trim().replace(/\\s+/g, ' ') : null", v -> v.asText().startsWith(failed + " on web1 is ")
        && v.asText().contains(" on 9.9.9 and retries with back-off") && v.asText().contains("Its last attempt: "), Duration.ofSeconds(10));
    // the instance that waits says so in its own row, and still runs the old version
    await("const r = document.querySelector('#instances tr[data-instance=\"" + kept + "\"]');"
        + " return r.cells[1].textContent + ' ' + r.querySelector('.detail').textContent", v -> v.asText()
        .startsWith("1.0.0 rollout of shop to 9.9.9 stopped: " + failed + " on web1: not healthy within 10.0 s"), Duration.ofSeconds(10));
  }

  /** A second node joins (up), then web1 loses it (a partition): its row turns red and says since when. */
  void showsANodeThatJoinsThenBecomesUnreachable() throws Exception {
    n2 = new TestNode("web2", "web2", n);
    String row = "const r = document.querySelector('#nodes tr[data-node=\"web2\"]');"
        + " return r ? [...r.cells].slice(0, 2)" + CELLS + ".join(' | ') + ' | ' + r.className : null";
    await(row, v -> v.asText().equals("web2 | up | "), Duration.ofSeconds(30));
    await("return document.querySelector('#nodes-summary').textContent", v -> v.asText().equals("2 nodes: 2 up"), Duration.ofSeconds(10));
    n.cutOff(n2, true);
    // the failure detector's deadline is 3 s; the page polls /api/cluster every 5 s
    String shown = await(row, v -> v.asText().startsWith("web2 | unreachable since "), Duration.ofSeconds(20)).asText();
    assertTrue(shown.matches("web2 \\| unreachable since [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC "
        + "\\(downed by the split brain resolver after 20 s of stable membership unless it comes back\\) \\| unreachable"), shown);
    await("return document.querySelector('#nodes-summary').textContent", v -> v.asText().equals("2 nodes: 1 up, 1 unreachable"),
        Duration.ofSeconds(10));
    JsonNode web2 = ApiRoutesTest.find(new Client().get(n.url("/api/cluster")).json().path("nodes"), "name", "web2");
    assertFalse(web2.path("reachable").asBoolean(), web2.toString());
    assertTrue(shown.contains(web2.path("detail").asText().substring("unreachable ".length())), "the page shows the API's words: " + web2);
  }

  @Test
  void showsEveryInstanceMovingTrafficLiveLogsExposesAndAStoppedRollout() throws Exception {
    chrome.open(n.url("/"));
    assertEquals("Glow", chrome.script("return document.title").asText());
    String states = "return [...document.querySelectorAll('#instances tr[data-instance]')]"
        + ".map(r => r.dataset.instance + '=' + r.querySelector('.state').textContent).join(' ')";
    await(states, v -> v.asText().equals("greeter#1=running ticker#1=running"), Duration.ofSeconds(40));
    await("return document.querySelector('#nodes tbody').textContent", v -> v.asText().contains("web1"), Duration.ofSeconds(10));
    await("return [...document.querySelectorAll('#apps tr[data-app]')].map(r => r.dataset.app + ' ' + r.cells[2].textContent).join(', ')",
        v -> v.asText().equals("greeter 1 of 1, ticker 1 of 1"), Duration.ofSeconds(15));
    await("return document.querySelector('#repo-version').textContent", v -> v.asText().startsWith("repo dir-"), Duration.ofSeconds(10));

    String http = "const b = document.querySelector('[data-listener=\"127.0.0.1:" + n.local + "\"] [data-metric=http] b');"
        + " return b ? b.textContent : null";
    await(http, v -> v.isTextual(), Duration.ofSeconds(15)); // the listener row is there before any traffic
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket("127.0.0.1", n.local)) {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
      }
    }
    JsonNode rate = await(http, v -> v.asText().matches("[0-9.]+ req/s") && Double.parseDouble(v.asText().split(" ")[0]) > 0,
        Duration.ofSeconds(20));
    String conns = "return document.querySelector('[data-listener=\"127.0.0.1:" + n.local + "\"] [data-metric=conn] b').textContent";
    await(conns, v -> v.asText().matches("[0-9.]+ /s") && Double.parseDouble(v.asText().split(" ")[0]) > 0, Duration.ofSeconds(10));
    String p99 = "return document.querySelector('[data-listener=\"127.0.0.1:" + n.local + "\"] [data-metric=p99] b').textContent";
    await(p99, v -> v.asText().matches("[0-9.]+ ms"), Duration.ofSeconds(10));

    // a line printed after the page loaded: the ticker's restart banner, through the live log view
    await("return document.querySelectorAll('#log .line').length", v -> v.asInt() > 0, Duration.ofSeconds(10));
    long pid = chrome.script("return [...document.querySelectorAll('#instances tr[data-instance=\"ticker#1\"] td')][5].textContent").asLong();
    Client.Reply restart = new Client().post(n.url("/api/instances/ticker%231/restart"), TestNode.TOKEN);
    assertEquals(202, restart.status(), restart.body());
    await("return [...document.querySelectorAll('#log .line')].map(l => l.textContent)"
        + ".filter(t => t.includes('ticker started pid') && !t.includes('pid " + pid + "')).length", v -> v.asInt() == 1,
        Duration.ofSeconds(15));
    await(states, v -> v.asText().equals("greeter#1=running ticker#1=running"), Duration.ofSeconds(20));

    showsExposesWithTheirTraffic();
    showsARollingAppThenItsStoppedRolloutWithItsReasonAndWhatToDo();
    showsANodeThatJoinsThenBecomesUnreachable();

    // the charts draw a line once they have a few samples (one every 2 s)
    await("return document.querySelector('[data-listener=\"127.0.0.1:" + n.local + "\"] [data-metric=http] polyline')"
        + ".getAttribute('points').split(' ').filter(p => p).length", v -> v.asInt() >= 3, Duration.ofSeconds(15));
    Path shot = Path.of(System.getProperty("glow.dashboard.screenshot", "target/dashboard.png"));
    Files.createDirectories(shot.toAbsolutePath().getParent());
    // the whole page in one picture: the window as tall as the document plus the window's frame
    // (a picture for the docs, not a behaviour: a page still growing gets a few tries, then is cut)
    for (int i = 0; i < 3; i++) {
      JsonNode size = chrome.script("return [document.documentElement.scrollHeight, window.innerHeight, window.outerHeight]");
      if (size.get(0).asInt() <= size.get(1).asInt()) break;
      chrome.resize(1280, Math.min(4000, size.get(0).asInt() + size.get(2).asInt() - size.get(1).asInt()));
    }
    Files.write(shot, chrome.screenshot());
    assertTrue(Files.size(shot) > 10_000, "a real screenshot");
    System.out.println("dashboard screenshot: " + shot.toAbsolutePath() + " (http rate seen: " + rate.asText() + ")");
  }
}
