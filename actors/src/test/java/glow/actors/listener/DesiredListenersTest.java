package glow.actors.listener;

import static glow.actors.listener.RepoFiles.app;
import static glow.actors.listener.RepoFiles.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import glow.actors.listener.DesiredListeners.Desired;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.Protocol;
import glow.proxy.UpstreamSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a loaded repo to the listeners one node wants, and each require to its upstream settings. */
class DesiredListenersTest {
  @TempDir
  Path repo;

  @Test
  void oneListenerPerLocalPortSharedByTheInstancesOfTheNodeWithTheRequireMappedToUpstreamSettings() throws Exception {
    Snapshot s = RepoFiles.load(repo, Map.of(
        "apps/billing.yaml", app("billing", "http: 8080"),
        "apps/replica.yaml", app("replica", "http: 8080"),
        "apps/stats.yaml", app("stats", "http: 9100"),
        "apps/web.yaml", app("web", "http: 9000",
            "{service: billing:8080, local: 7001, balance: hash, retries: 3, connect-timeout: 250ms, fallback: replica:8080}",
            "stats:9100 -> 7002"),
        "apps/api.yaml", app("api", "http: 9500", "billing:8080 -> 7003"),
        "deployments/web-1.yaml", deployment("web", "n1"),
        "deployments/web-2.yaml", "app: web\nnode: n1\ninstance: 2\nport-offset: 1\n",
        "deployments/api-1.yaml", deployment("api", "n2")));
    // (conf rejects requires of a udp port today, so no UDP listener comes from a snapshot yet)
    UpstreamSettings base = UpstreamSettings.defaults().withEjection(4, Duration.ofSeconds(3), Duration.ofSeconds(9), 30);
    List<String> warnings = new ArrayList<>();

    SortedMap<Integer, Desired> n1 = DesiredListeners.of(s, "n1", base, warnings::add);

    assertEquals(List.of(7001, 7002), List.copyOf(n1.keySet()), "api's 7003 is on n2");
    Desired billing = n1.get(7001);
    assertEquals(List.of("web:1.0.0#1", "web:1.0.0#2"), billing.neededBy());
    assertEquals(new ListenerSpec(7001, ServiceKey.parse("billing:8080"), ServiceKey.parse("replica:8080"), Protocol.TCP,
        new UpstreamSettings("hash", Duration.ofMillis(250), 4, 4, Duration.ofSeconds(3), Duration.ofSeconds(9), 30, null)),
        billing.spec());
    ListenerSpec stats = n1.get(7002).spec();
    assertEquals(Protocol.TCP, stats.protocol());
    assertNull(stats.fallback());
    assertEquals("round-robin", stats.upstream().balancer());
    assertEquals(2, stats.upstream().maxConnectAttempts(), "default retries 1 + the first attempt");
    assertEquals(Duration.ofSeconds(1), stats.upstream().connectTimeout());
    assertEquals(List.of(), warnings);
    assertEquals(List.of(7003), List.copyOf(DesiredListeners.of(s, "n2", base, warnings::add).keySet()));
    assertEquals(Map.of(), DesiredListeners.of(s, "n3", base, warnings::add));
  }
}
