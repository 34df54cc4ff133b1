package glow.conf.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.conf.TestRepo;
import glow.conf.snapshot.SnapshotDiff.Change;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotDiffTest {
  @TempDir
  Path dir;
  TestRepo repo;
  Snapshot before;

  @BeforeEach
  void repo() {
    repo = new TestRepo(dir)
        .put("apps/web.yaml", "image: web\nversion: 1.0.0\nprovides: {http: 9000}\nconfig: {path: a.conf, source: configs/web.conf}\n")
        .put("configs/web.conf", "a=1\n")
        .put("deployments/web-1.yaml", "app: web\nnode: n1\n")
        .put("deployments/web-2.yaml", "app: web\nnode: n1\ninstance: 2\nport-offset: 1\n")
        .put("jobs/report.yaml", "app: web\nnode: n1\nschedule: '0 * * * *'\n");
    before = repo.load(null);
    assertTrue(before.isValid(), before.problems().toString());
  }

  @Test
  void sameSnapshotHasNoDifference() {
    assertTrue(SnapshotDiff.between(before, repo.load(before)).isEmpty());
  }

  @Test
  void newVersionChangesEveryInstanceOfTheApp() {
    repo.put("apps/web.yaml", "image: web\nversion: 1.1.0\nprovides: {http: 9000}\nconfig: {path: a.conf, source: configs/web.conf}\n");
    SnapshotDiff d = SnapshotDiff.between(before, repo.load(before));
    assertEquals(List.of("web#1", "web#2"), d.changed().stream().map(SnapshotDiff.InstanceChange::key).toList());
    assertEquals(Set.of(Change.VERSION), d.changed().get(0).what());
    assertTrue(d.added().isEmpty() && d.removed().isEmpty());
  }

  @Test
  void configContentChangeIsReportedApartFromTheConfigFileSpec() {
    repo.put("configs/web.conf", "a=2\n");
    SnapshotDiff d = SnapshotDiff.between(before, repo.load(before));
    assertEquals(Set.of(Change.CONFIG_CONTENT), d.changed().get(0).what());
  }

  @Test
  void addedRemovedAndMovedInstances() {
    repo.delete("deployments/web-2.yaml")
        .put("deployments/web-1.yaml", "app: web\nnode: n2\nport-offset: 5\n")
        .put("deployments/web-3.yaml", "app: web\nnode: n3\ninstance: 3\n");
    SnapshotDiff d = SnapshotDiff.between(before, repo.load(before));
    assertEquals(List.of("web#3"), d.added().stream().map(InstanceSpec::key).toList());
    assertEquals(List.of("web#2"), d.removed().stream().map(InstanceSpec::key).toList());
    assertEquals(Set.of(Change.NODE, Change.PORTS), d.changed().get(0).what());
  }

  @Test
  void envCommandAndRequiresChanges() {
    repo.put("apps/billing.yaml", "image: billing\nversion: 1\nprovides: {http: 8080}\n")
        .put("apps/web.yaml", "image: web\nversion: 1.0.0\nprovides: {http: 9000}\nconfig: {path: a.conf, source: configs/web.conf}\n"
            + "env: {A: b}\ncommand: [bin/web]\nrequires: [billing:http -> 7001]\n");
    SnapshotDiff d = SnapshotDiff.between(before, repo.load(before));
    assertEquals(Set.of(Change.ENV, Change.COMMAND, Change.REQUIRES), d.changed().get(0).what());
    assertEquals(List.of(new ServiceKey("billing", 8080)), d.services().added());
  }

  @Test
  void servicesExposesAndJobs() {
    repo.put("jobs/report.yaml", "app: web\nnode: n1\nschedule: '5 * * * *'\n")
        .put("jobs/cleanup.yaml", "app: web\nnode: n1\nschedule: '0 0 * * *'\n")
        .put("expose/web.yaml", "listen: 0.0.0.0:80\nnodes: [edge1]\ntarget: web:http\n")
        .delete("deployments/web-2.yaml");
    Snapshot after = repo.load(before);
    SnapshotDiff d = SnapshotDiff.between(before, after);
    assertEquals(List.of("cleanup"), d.jobs().added(), after.problems().toString());
    assertEquals(List.of("report"), d.jobs().changed());
    assertEquals(List.of("web"), d.exposes().added());
    assertEquals(List.of(new ServiceKey("web", 9000)), d.services().changed()); // one provider fewer
  }
}
