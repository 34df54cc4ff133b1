package glow.actors.expose;

import static glow.actors.listener.RepoFiles.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.listener.ListenersSettings;
import glow.actors.listener.LoopbackClient;
import glow.actors.listener.RepoFiles;
import glow.actors.node.OneNodeCluster;
import glow.actors.registry.ServiceRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * http-mode exposes on a one-node cluster with the real registry: real Akka HTTP listeners on
 * 127.0.0.1, real HTTP backends, requests over real sockets.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class HttpExposesTest {
  @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");
  static final Duration WAIT = Duration.ofSeconds(10);
  static final ListenersSettings SETTINGS = ListenersSettings.defaults()
      .withDrainGrace(Duration.ofSeconds(2))
      .withBindRetry(Duration.ofMillis(100), Duration.ofMillis(400));

  @TempDir
  Path repo;

  /** Polls GetBound with probes of {@code testKit} until {@code condition} holds; returns that answer. */
  static HttpExposes.Bound awaitBound(ActorTestKit testKit, ActorRef<HttpExposes.Command> exposes, String what,
                                      Predicate<HttpExposes.Bound> condition) {
    HttpExposes.Bound[] last = {null};
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      TestProbe<HttpExposes.Bound> probe = testKit.createTestProbe();
      exposes.tell(new HttpExposes.GetBound(probe.ref()));
      last[0] = probe.receiveMessage(WAIT);
      assertTrue(condition.test(last[0]), what + ", got " + last[0]);
      return null;
    });
    return last[0];
  }

  /** The value of glow.expose.requests for these tags (Kamon's registry works without init). */
  static long requests(String listener, String expose, String status, String answeredBy) {
    kamon.tag.TagSet tags = kamon.tag.TagSet.builder().add("listener", listener).add("expose", expose)
        .add("status", status).add("answered_by", answeredBy).build();
    return (Long) ((kamon.metric.Instrument.Snapshotting<?>) kamon.Kamon.counter("glow.expose.requests").withTags(tags))
        .snapshot(false);
  }

  static String expose(int port, String target, String routing) {
    return "listen: 127.0.0.1:" + port + "\nnodes: [n1]\nmode: http\ntarget: " + target + "\n" + routing;
  }

  @Test
  void routesByHostAndLongestPathPrefixWithForwardedHeadersAnd404And503And502() throws Exception {
    int p = LoopbackClient.freePort();
    int dead = LoopbackClient.freePort(); // nothing listens there: every connect is refused
    try (HttpBackend shop = new HttpBackend("shop"); HttpBackend api = new HttpBackend("api");
         HttpBackend api2 = new HttpBackend("api2")) {
      cluster.registry().tell(new ServiceRegistry.Register("shoph:80", shop.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("apih:80", api.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("apih:80", "127.0.0.1:" + dead, "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("deadh:80", "127.0.0.1:" + dead, "n1"));
      var files = new java.util.HashMap<>(Map.of(
          "apps/shoph.yaml", app("shoph", "web: 80"),
          "apps/apih.yaml", app("apih", "web: 80"),
          "apps/emptyh.yaml", app("emptyh", "web: 80"),
          "apps/deadh.yaml", app("deadh", "web: 80"),
          "expose/shop.yaml", expose(p, "shoph:web", "hosts: [shop.test, '*.shop.test']\npath: /\n"),
          "expose/api.yaml", expose(p, "apih:web", "hosts: [shop.test]\npath: /api/\n"),
          "expose/empty.yaml", expose(p, "emptyh:web", "path: /empty\n"),
          "expose/dead.yaml", expose(p, "deadh:web", "path: /dead\n")));
      ActorRef<HttpExposes.Command> exposes =
          cluster.testKit().spawn(HttpExposes.create("n1", cluster.registry(), SETTINGS, Duration.ofSeconds(1)));
      exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
      awaitBound(cluster.testKit(), exposes, "one listener for the four exposes",
          b -> b.listeners().equals(Map.of("http 127.0.0.1:" + p, "127.0.0.1:" + p)));
      // the pools learn their endpoints from the registry: wait until both api endpoints are known
      cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
        assertEquals(200, RawHttp.get(p, "shop.test", "/").status());
        return null;
      });

      RawHttp.Answer a = RawHttp.get(p, "shop.test:" + p, "/api/orders?x=1");
      assertEquals(200, a.status());
      assertEquals("backend api\npath /api/orders?x=1\nhost shop.test:" + p + "\nx-forwarded-for 127.0.0.1\n"
          + "x-forwarded-proto http\nx-forwarded-host shop.test:" + p + "\n", a.body());
      for (int i = 0; i < 6; i++) {
        assertEquals(200, RawHttp.get(p, "shop.test", "/api").status(),
            "a refused connect is retried on the other endpoint of apih");
      }
      assertTrue(RawHttp.get(p, "shop.test", "/apix").body().startsWith("backend shop\npath /apix\n"),
          "/api is a prefix of path segments, not of characters");
      assertTrue(RawHttp.get(p, "www.shop.test", "/api/x").body().startsWith("backend shop\n"),
          "the api expose names shop.test only; *.shop.test goes to shop");
      assertEquals(new RawHttp.Answer(404, "glow: no expose on this listener routes host \"other.test\" and path \"/\"\n"),
          RawHttp.get(p, "other.test", "/"));
      assertEquals(new RawHttp.Answer(503, "glow: no healthy endpoint of emptyh:80 (expose empty)\n"),
          RawHttp.get(p, "any.test", "/empty/x"));
      RawHttp.Answer bad = RawHttp.get(p, "any.test", "/dead");
      assertEquals(502, bad.status(), bad.body());
      assertTrue(bad.body().startsWith("glow: 1 attempt(s) to reach deadh:80 (expose dead) failed"), bad.body());

      String listener = "http 127.0.0.1:" + p;
      assertTrue(requests(listener, "api", "2xx", "endpoint") >= 7);
      assertEquals(1, requests(listener, "-", "4xx", "glow"));
      assertEquals(1, requests(listener, "empty", "5xx", "glow"));
      assertEquals(1, requests(listener, "dead", "5xx", "glow"));

      // the api expose moves to another app: same listener, new route, no rebind
      cluster.registry().tell(new ServiceRegistry.Register("api2h:80", api2.hostPort(), "n1"));
      files.put("apps/api2h.yaml", app("api2h", "web: 80"));
      files.put("expose/api.yaml", expose(p, "api2h:web", "hosts: [shop.test]\npath: /api\n"));
      exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
      cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
        assertTrue(RawHttp.get(p, "shop.test", "/api").body().startsWith("backend api2\n"));
        return null;
      });
      // removing every expose of the listener unbinds it
      files.keySet().removeIf(f -> f.startsWith("expose/"));
      exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
      awaitBound(cluster.testKit(), exposes, "no listener", b -> b.listeners().isEmpty());
      cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
        assertTrue(LoopbackClient.refused(p));
        return null;
      });
      cluster.testKit().stop(exposes, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("shoph:80", shop.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("apih:80", api.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("apih:80", "127.0.0.1:" + dead, "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("deadh:80", "127.0.0.1:" + dead, "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("api2h:80", api2.hostPort(), "n1"));
    }
  }

  @Test
  void addingAndRemovingAListenerLeavesAnotherListenersKeptAliveConnectionWorking() throws Exception {
    int p = LoopbackClient.freePort();
    int q = LoopbackClient.freePort();
    int r = LoopbackClient.freePort();
    try (HttpBackend one = new HttpBackend("one"); HttpBackend two = new HttpBackend("two")) {
      cluster.registry().tell(new ServiceRegistry.Register("oneh:80", one.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Register("twoh:80", two.hostPort(), "n1"));
      var files = new java.util.HashMap<>(Map.of(
          "apps/oneh.yaml", app("oneh", "web: 80"),
          "apps/twoh.yaml", app("twoh", "web: 80"),
          "expose/p.yaml", expose(p, "oneh:web", ""),
          "expose/q.yaml", expose(q, "twoh:web", "")));
      ActorRef<HttpExposes.Command> exposes =
          cluster.testKit().spawn(HttpExposes.create("n1", cluster.registry(), SETTINGS, Duration.ofSeconds(1)));
      exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
      awaitBound(cluster.testKit(), exposes, "p and q bound",
          b -> !b.listeners().getOrDefault("http 127.0.0.1:" + p, "").isEmpty()
          && !b.listeners().getOrDefault("http 127.0.0.1:" + q, "").isEmpty());
      cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
        assertEquals(200, RawHttp.get(q, "x.test", "/").status());
        return null;
      });
      try (java.net.Socket kept = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), q)) {
        assertTrue(RawHttp.keepAlive(kept, "x.test", "/first").body().startsWith("backend two\npath /first\n"));
        files.remove("expose/p.yaml");
        files.put("expose/r.yaml", expose(r, "oneh:web", ""));
        exposes.tell(new HttpExposes.Apply(RepoFiles.load(repo, files)));
        awaitBound(cluster.testKit(), exposes, "p gone, r bound", b -> !b.listeners().containsKey("http 127.0.0.1:" + p)
            && !b.listeners().getOrDefault("http 127.0.0.1:" + r, "").isEmpty());
        cluster.testKit().createTestProbe().awaitAssert(WAIT, () -> {
          assertTrue(LoopbackClient.refused(p), "the removed listener is unbound");
          return null;
        });
        assertTrue(RawHttp.get(r, "x.test", "/").body().startsWith("backend one\n"));
        assertTrue(RawHttp.keepAlive(kept, "x.test", "/second").body().startsWith("backend two\npath /second\n"),
            "q's kept-alive connection still answers");
      }
      cluster.testKit().stop(exposes, WAIT);
      cluster.registry().tell(new ServiceRegistry.Deregister("oneh:80", one.hostPort(), "n1"));
      cluster.registry().tell(new ServiceRegistry.Deregister("twoh:80", two.hostPort(), "n1"));
    }
  }
}
