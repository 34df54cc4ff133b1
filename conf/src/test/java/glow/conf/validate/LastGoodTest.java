package glow.conf.validate;

import static glow.conf.TestRepo.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.TestRepo;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastGoodTest {
  @TempDir
  Path dir;
  TestRepo repo;
  Snapshot good;

  @BeforeEach
  void goodRepo() {
    repo = new TestRepo(dir)
        .put("apps/billing.yaml", "image: billing\nversion: 1.0.0\nprovides: {http: 8080}\n")
        .put("apps/web.yaml", "image: web\nversion: 1.0.0\nprovides: {http: 9000}\nrequires: [billing:http -> 7001]\n"
            + "config: {path: web.conf, source: configs/web.conf}\n")
        .put("configs/web.conf", "color=blue\n")
        .put("deployments/billing-1.yaml", "app: billing\nnode: n1\n")
        .put("deployments/web-1.yaml", "app: web\nnode: n1\n");
    good = repo.load(null);
    assertEquals(List.of(), lines(good));
  }

  @Test
  void brokenAppFileKeepsItsLastGoodVersionAndItsInstancesRun() {
    repo.put("apps/web.yaml", "image: web\nversion: 2.0.0\nprovides: {http: 9000}\nrequires: [billing:http -> 7001]\nbogus: 1\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/web.yaml:5:1: unknown key \"bogus\" (known keys: image, version, command, env, provides, requires, tags, config, health, limits, rollout)"),
        lines(next));
    InstanceSpec web = next.instance("web#1").orElseThrow();
    assertEquals("web:1.0.0#1", web.id());
    assertEquals("color=blue\n", web.config().content());
  }

  @Test
  void deploymentWhoseAppIsBrokenRunsFromTheAppsLastGoodVersion() {
    repo.put("apps/web.yaml", "image: web\nversion: [2]\n").put("deployments/web-2.yaml", "app: web\nnode: n2\ninstance: 2\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/web.yaml:2:10: version: expected a single value, found a list"), lines(next));
    assertEquals(List.of("billing#1", "web#1", "web#2"), next.instances().stream().map(InstanceSpec::key).toList());
    assertEquals("web:1.0.0#2", next.instance("web#2").orElseThrow().id());
  }

  @Test
  void newFileThatFailsIsAbsent() {
    repo.put("apps/api.yaml", "image: api\n").put("deployments/api-1.yaml", "app: api\nnode: n1\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/api.yaml:1:1: version: missing, add e.g. \"version: 1.0.0\"",
        "deployments/api-1.yaml:1:6: app: app \"api\" has errors, fix apps/api.yaml first"), lines(next));
    assertFalse(next.apps().containsKey("api"));
    assertTrue(next.instance("api#1").isEmpty());
  }

  @Test
  void newDeploymentCannotTakeThePortOfARunningOneEvenWhenItsNameSortsFirst() {
    repo.put("apps/api.yaml", "image: api\nversion: 1.0.0\nprovides: {http: 9000}\n")
        .put("deployments/a-api-1.yaml", "app: api\nnode: n1\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("deployments/a-api-1.yaml:2:7: node: port 9000/tcp on node n1 is already taken by port http of web#1 "
        + "(deployments/web-1.yaml), set another port-offset or node"), lines(next));
    assertTrue(next.instance("api#1").isEmpty());
    assertTrue(next.instance("web#1").isPresent());
  }

  @Test
  void validChangeThatBreaksAReferenceRevertsToTheLastGoodVersion() {
    repo.put("apps/web.yaml", "image: web\nversion: 2.0.0\nprovides: {http: 9000}\nrequires: [billing:8081 -> 7001]\n"
        + "config: {path: web.conf, source: configs/web.conf}\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/web.yaml:4:12: requires[0]: no app or external provides \"billing:8081\" (billing provides 8080)"), lines(next));
    assertEquals("web:1.0.0#1", next.instance("web#1").orElseThrow().id());
  }

  @Test
  void appChangeThatCollidesOnANodeIsBlamedOnTheAppAndReverted() {
    repo.put("apps/web.yaml", "image: web\nversion: 2.0.0\nprovides: {http: 8080}\nrequires: [billing:http -> 7001]\n"
        + "config: {path: web.conf, source: configs/web.conf}\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/web.yaml:3:18: provides.http: port 8080/tcp on node n1 is already taken by port http of billing#1 "
        + "(deployments/billing-1.yaml), set another port-offset or node"), lines(next));
    assertEquals(9000, next.instance("web#1").orElseThrow().ports().get("http").port());
  }

  @Test
  void providerEditThatDropsARequiredPortIsRevertedSoItsUsersKeepWorking() {
    repo.put("apps/billing.yaml", "image: billing\nversion: 2.0.0\nprovides: {web: 8081}\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/billing.yaml:3:11: provides: \"billing:http\" is still required by apps/web.yaml (requires[0]), "
        + "keep providing it or change apps/web.yaml first"), lines(next));
    assertEquals("billing:1.0.0#1", next.instance("billing#1").orElseThrow().id());
    assertEquals(8080, next.instance("web#1").orElseThrow().requires().get(0).service().port());
  }

  @Test
  void deletedDeploymentStopsItsInstance() {
    Snapshot next = repo.delete("deployments/web-1.yaml").load(good);
    assertEquals(List.of(), lines(next));
    assertTrue(next.instance("web#1").isEmpty());
  }

  @Test
  void deletedConfigSourceKeepsTheLastGoodContent() {
    Snapshot next = repo.delete("configs/web.conf").load(good);
    assertEquals(List.of("apps/web.yaml:5:34: config.source: configs/web.conf is not in the repo, add it or fix the path"), lines(next));
    assertEquals("color=blue\n", next.instance("web#1").orElseThrow().config().content());
  }

  @Test
  void deletedAppStillDeployedIsKeptUntilItsDeploymentsAreGone() {
    Snapshot next = repo.delete("apps/billing.yaml").load(good);
    assertEquals(List.of(
        "apps/billing.yaml: deleted, but apps/web.yaml still uses it; kept at its last good version, change apps/web.yaml first",
        "apps/billing.yaml: deleted, but deployments/billing-1.yaml still uses it; kept at its last good version, "
            + "change deployments/billing-1.yaml first"), lines(next));
    assertTrue(next.instance("billing#1").isPresent());
    Snapshot after = repo.delete("deployments/billing-1.yaml").load(next);
    assertEquals(List.of("apps/billing.yaml: deleted, but apps/web.yaml still uses it; kept at its last good version, "
        + "change apps/web.yaml first"), lines(after));
    assertTrue(after.instance("billing#1").isEmpty());
    assertTrue(after.apps().containsKey("billing"));
  }

  @Test
  void deletingAnAppTogetherWithEverythingThatUsesItIsHonoured() {
    repo.put("apps/web.yaml", "image: web\nversion: 1.0.0\nprovides: {http: 9000}\n"
        + "config: {path: web.conf, source: configs/web.conf}\n");
    Snapshot next = repo.delete("apps/billing.yaml").delete("deployments/billing-1.yaml").load(good);
    assertEquals(List.of(), lines(next));
    assertFalse(next.apps().containsKey("billing"));
  }

  @Test
  void keptVersionThatStillFailsSaysSoWithoutAStalePosition() {
    // web is broken, so its kept version is used; that version requires billing:8080, and billing's edit drops it
    repo.put("apps/web.yaml", "image: web\n").put("apps/billing.yaml", "image: billing\nversion: 2.0.0\n");
    Snapshot next = repo.load(good);
    assertEquals(List.of("apps/billing.yaml:1:1: provides: \"billing:http\" is still required by apps/web.yaml (requires[0]), "
            + "keep providing it or change apps/web.yaml first",
        "apps/web.yaml:1:1: version: missing, add e.g. \"version: 1.0.0\""), lines(next));
    assertEquals("web:1.0.0#1", next.instance("web#1").orElseThrow().id());
    assertEquals("billing:1.0.0#1", next.instance("billing#1").orElseThrow().id());
  }

  @Test
  void fixingTheFileBringsTheNewVersion() {
    repo.put("apps/web.yaml", "image: web\nversion: [2]\n");
    Snapshot bad = repo.load(good);
    repo.put("apps/web.yaml", "image: web\nversion: 2.0.0\nprovides: {http: 9000}\nrequires: [billing:http -> 7001]\n"
        + "config: {path: web.conf, source: configs/web.conf}\n");
    Snapshot fixed = repo.load(bad);
    assertEquals(List.of(), lines(fixed));
    assertEquals("web:2.0.0#1", fixed.instance("web#1").orElseThrow().id());
  }
}
