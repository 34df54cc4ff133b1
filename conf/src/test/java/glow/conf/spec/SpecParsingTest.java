package glow.conf.spec;

import static glow.conf.TestRepo.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import glow.conf.Problem;
import glow.conf.TestRepo;
import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.validate.FileParser;
import glow.conf.validate.ParsedFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParsingTest {
  @TempDir
  Path dir;

  static AppSpec app(String yaml) {
    ParsedFile p = FileParser.parse("apps/web.yaml", yaml);
    assertEquals(List.of(), p.problems().stream().map(Problem::toString).toList());
    return (AppSpec) p.spec();
  }

  @Test
  void shortAndLongRequireFormsMeanTheSame() {
    AppSpec shortForm = app("image: web\nversion: 1\nrequires: [billing:8080 -> 7001, 'billing:http->7002']\n");
    AppSpec longForm = app("image: web\nversion: 1\nrequires:\n  - service: billing:8080\n    local: 7001\n"
        + "  - {service: billing:http, local: 7002, balance: round-robin, retries: 1, connect-timeout: 1s}\n");
    assertEquals(shortForm.requires(), longForm.requires());
    assertEquals(RequireSpec.of(new ServiceRef("billing", "http"), 7002), shortForm.requires().get(1));
  }

  @Test
  void longFormReadsEveryOption() {
    RequireSpec r = app("image: web\nversion: 1\nrequires:\n  - service: pg-main:5432\n    local: 5432\n"
        + "    balance: least-connections\n    retries: 2\n    connect-timeout: 500ms\n    fallback: pg-replica:pg\n").requires().get(0);
    assertEquals(new RequireSpec(new ServiceRef("pg-main", "5432"), 5432, "least-connections", 2, Duration.ofMillis(500),
        new ServiceRef("pg-replica", "pg")), r);
    assertEquals("com.example.Sticky", app("image: web\nversion: 1\nrequires: [{service: a:1, local: 2, balance: com.example.Sticky}]\n")
        .requires().get(0).balance());
  }

  @Test
  void appDefaults() {
    AppSpec a = app("image: web\nversion: 1.4.2\nprovides: {stats: 8125/udp, http: 8080, metrics: 9100/tcp}\n");
    assertEquals(List.of("bin/start"), a.command());
    assertEquals(List.of("stats", "http", "metrics"), List.copyOf(a.provides().keySet()));
    assertEquals(new PortSpec("stats", 8125, Protocol.UDP), a.provides().get("stats"));
    assertEquals(new HealthSpec("http", null, Duration.ofSeconds(2), Duration.ofSeconds(1)), a.health()); // first tcp port
    assertEquals(LimitsSpec.NONE, a.limits());
    assertEquals(1, a.rollout().maxUnavailable());
    assertNull(app("image: web\nversion: 1\n").health());
  }

  @Test
  void sizesDurationsAndConfigDefaults() {
    AppSpec a = app("image: web\nversion: 1\nprovides: {http: 80}\nlimits: {memory: 512M, processes: 64}\n"
        + "health: {http: /healthz, interval: 1m, timeout: 1500ms}\nconfig: {path: conf/app.properties, source: configs/web.properties}\n");
    assertEquals(512L * 1024 * 1024, a.limits().memory());
    assertEquals(new HealthSpec("http", "/healthz", Duration.ofMinutes(1), Duration.ofMillis(1500)), a.health());
    assertEquals(OnChange.RESTART, a.config().onChange());
  }

  @Test
  void restartAfterDefaultsTo30sAndTakesADurationOrNever() {
    assertEquals(Duration.ofSeconds(30), app("image: web\nversion: 1\nprovides: {http: 80}\n").health().restartAfter());
    assertEquals(Duration.ofSeconds(30), app("image: web\nversion: 1\nprovides: {http: 80}\nhealth: {http: /healthz}\n")
        .health().restartAfter());
    assertEquals(Duration.ofMinutes(5), app("image: web\nversion: 1\nprovides: {http: 80}\nhealth: {restart-after: 5m}\n")
        .health().restartAfter());
    assertNull(app("image: web\nversion: 1\nprovides: {http: 80}\nhealth: {restart-after: never}\n").health().restartAfter());
  }

  @Test
  void restartAfterZeroOrAWordIsAnErrorThatSaysWhatIsAllowed() {
    ParsedFile p = FileParser.parse("apps/web.yaml", "image: web\nversion: 1\nprovides: {http: 80}\n"
        + "health: {restart-after: 0s}\n");
    assertEquals(List.of("apps/web.yaml:4:25: health.restart-after: expected a positive duration like 30s or 5m, or never,"
        + " found \"0s\""), p.problems().stream().map(Problem::toString).toList());
    p = FileParser.parse("apps/web.yaml", "image: web\nversion: 1\nprovides: {http: 80}\nhealth:\n  restart-after: no\n");
    assertEquals(List.of("apps/web.yaml:5:18: health.restart-after: expected a positive duration like 30s or 5m, or never,"
        + " found \"no\""), p.problems().stream().map(Problem::toString).toList());
  }

  @Test
  void jobDefaultsAndCron() {
    ParsedFile p = FileParser.parse("jobs/report.yaml", "app: web\nnode: n1\nschedule: '30 2 * * 1-5'\n");
    JobSpec j = (JobSpec) p.spec();
    assertEquals(List.of(), p.problems());
    assertEquals(ZoneOffset.UTC, j.timeZone());
    assertEquals(JobSpec.Overlap.FORBID, j.overlap());
    assertEquals(20, j.keep());
    assertNull(j.command());
    assertNull(j.timeout());
    assertEquals("30 2 * * 1-5", j.cron().asString());
  }

  @Test
  void identicalRequireSharedByInstancesOnANodeIsFine() {
    Snapshot s = new TestRepo(dir)
        .put("apps/billing.yaml", "image: billing\nversion: 1\nprovides: {http: 8080}\n")
        .put("apps/web.yaml", "image: web\nversion: 1\nprovides: {http: 9000}\nrequires: [billing:http -> 7001]\n")
        .put("apps/admin.yaml", "image: admin\nversion: 1\nrequires: [billing:8080 -> 7001]\n")
        .put("deployments/web-1.yaml", "app: web\nnode: n1\n")
        .put("deployments/web-2.yaml", "app: web\nnode: n1\ninstance: 2\nport-offset: 1\n")
        .put("deployments/admin-1.yaml", "app: admin\nnode: n1\n")
        .put("deployments/billing-1.yaml", "app: billing\nnode: n2\n")
        .load(null);
    assertEquals(List.of(), lines(s));
    ResolvedRequire r = new ResolvedRequire(new ServiceKey("billing", 8080), 7001, "round-robin", 1, Duration.ofSeconds(1), null);
    assertEquals(List.of(r), s.instance("web#2").orElseThrow().requires());
    assertEquals(List.of(r), s.instance("admin#1").orElseThrow().requires());
  }

  @Test
  void externalsAreRequiredLikeAppsAndHttpExposesShareAListener() {
    Snapshot s = new TestRepo(dir)
        .put("externals/pg-main.yaml", "endpoints: [db1.internal:5432, 10.0.0.7:5432]\nprovides: {pg: 5432}\n")
        .put("apps/web.yaml", "image: web\nversion: 1\nprovides: {http: 9000}\nrequires: [pg-main:pg -> 5432]\n")
        .put("apps/shop.yaml", "image: shop\nversion: 1\nprovides: {http: 9100}\n")
        .put("deployments/web-1.yaml", "app: web\nnode: n1\n")
        .put("expose/web.yaml", "listen: 0.0.0.0:443\nnodes: [edge1]\nmode: http\ntarget: web:http\nhosts: [example.com]\n"
            + "tls: {cert: /etc/tls/site.pem, key: /etc/tls/site.key}\n")
        .put("expose/shop.yaml", "listen: 0.0.0.0:443\nnodes: [edge1]\nmode: http\ntarget: shop:9100\nhosts: [example.com]\npath: /shop\n"
            + "tls: {cert: /etc/tls/site.pem, key: /etc/tls/site.key}\n")
        .put("expose/pg.yaml", "listen: 0.0.0.0:5432\nnodes: [edge1]\ntarget: pg-main:5432\nproxy-protocol: v2\n")
        .load(null);
    assertEquals(List.of(), lines(s));
    assertEquals(new ServiceKey("pg-main", 5432), s.instance("web#1").orElseThrow().requires().get(0).service());
    assertEquals(List.of(new Endpoint("db1.internal", 5432), new Endpoint("10.0.0.7", 5432)),
        s.services().get(new ServiceKey("pg-main", 5432)).endpoints());
    assertEquals("/shop", s.exposes().get("shop").path());
  }
}
