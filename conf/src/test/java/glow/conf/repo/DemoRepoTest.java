package glow.conf.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceEntry;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.Endpoint;
import glow.conf.spec.OnChange;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoRepoTest {
  static final Path DEMO = Path.of("../examples/demo");

  @Test
  void demoRepoIsValidAndResolvesEveryInstance() {
    Snapshot s = RepoLoader.load(RepoSource.directory(DEMO), null);
    assertEquals(List.of(), s.problems());
    assertTrue(s.isValid());
    assertTrue(s.version().matches("dir-[0-9a-f]{12}"), s.version());
    assertEquals(List.of("greeter#1", "greeter#2", "web#1"), s.instances().stream().map(InstanceSpec::key).toList());

    InstanceSpec g2 = s.instance("greeter#2").orElseThrow();
    assertEquals("greeter:1.0.0#2", g2.id());
    assertEquals("dev", g2.node());
    assertEquals(9002, g2.ports().get("http").port());
    assertEquals(9001, g2.ports().get("http").declared());
    assertEquals(OnChange.RELOAD, g2.config().onChange());
    assertEquals("greeter.properties", g2.config().path());
    assertTrue(g2.config().content().contains("greeting=Hello from Glow"));
    assertTrue(g2.config().content().contains("instance=${GLOW_INSTANCE_ID}"), g2.config().content());
    assertEquals("/healthz", g2.health().http());
    assertEquals("deployments/greeter-2.yaml", g2.deploymentFile());

    InstanceSpec web = s.instance("web#1").orElseThrow();
    assertEquals(List.of(
        new ResolvedRequire(new ServiceKey("greeter", 9001), 7001, "round-robin", 1, java.time.Duration.ofSeconds(1), null),
        new ResolvedRequire(new ServiceKey("glow-api", 7700), 7002, "round-robin", 1, java.time.Duration.ofSeconds(1), null)),
        web.requires());
    assertEquals(List.of("bin/start"), web.spec().command());

    ServiceEntry greeter = s.services().get(new ServiceKey("greeter", 9001));
    assertNotNull(greeter);
    assertEquals(List.of(new ServiceEntry.Provider("greeter#1", "dev", 9001), new ServiceEntry.Provider("greeter#2", "dev", 9002)),
        greeter.providers());
    ServiceEntry api = s.services().get(ServiceKey.parse("glow-api:7700"));
    assertTrue(api.external());
    assertEquals(List.of(new Endpoint("127.0.0.1", 7700)), api.endpoints());
    assertEquals("*/5 * * * *", s.jobs().get("greeter-report").schedule());
    assertEquals(List.of("bin/report"), s.jobs().get("greeter-report").command());
    assertEquals(new Endpoint("127.0.0.1", 8080), s.exposes().get("web").listen());
    assertEquals(java.util.Optional.of(new ServiceKey("web", 9000)), s.resolve(s.exposes().get("web").target()));
    assertTrue(s.resolve(new glow.conf.spec.ServiceRef("web", "admin")).isEmpty());
    assertEquals(List.of("dev"), s.nodes());

    InstanceSpec report = s.jobRuns().get("greeter-report");
    assertEquals("job:greeter-report", report.key());
    assertEquals("greeter:1.0.0#greeter-report", report.id());
    assertEquals(List.of("bin/report"), report.spec().command());
    assertEquals(java.util.Map.of(), report.ports());
    assertEquals("greeter.properties", report.config().path());
  }

  @Test
  void sameContentGivesSameVersion() {
    Snapshot a = RepoLoader.load(RepoSource.directory(DEMO), null);
    Snapshot b = RepoLoader.load(RepoSource.directory(DEMO), a);
    assertEquals(a.version(), b.version());
    assertEquals(a.instances(), b.instances());
  }
}
