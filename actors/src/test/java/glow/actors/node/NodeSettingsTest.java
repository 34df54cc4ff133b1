package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import glow.actors.housekeeping.HousekeepingSettings;
import glow.actors.instance.SupervisorTiming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layering reference.conf < --config file < command line, validation messages, Akka rendering. */
class NodeSettingsTest {
  @TempDir Path dir;

  Path file(String text) throws IOException {
    Path p = dir.resolve("node.conf");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void defaultsComeFromReferenceConf() {
    NodeSettings s = NodeSettings.load(Optional.empty(), Map.of());
    assertEquals("dev", s.name());
    assertEquals("127.0.0.1", s.host());
    assertEquals(2552, s.clusterPort());
    assertEquals(List.of(), s.seeds());
    assertEquals(Optional.empty(), s.repo());
    assertEquals("main", s.branch());
    assertEquals(Duration.ofSeconds(10), s.syncInterval());
    assertEquals(new NodeSettings.HostPort("127.0.0.1", 7700), s.api());
    assertEquals(Optional.empty(), s.runAsUser());
    assertTrue(s.exitJvmOnShutdown());
    assertEquals("glow-node:dev", s.role());
  }

  @Test
  void fileOverridesReferenceAndCommandLineOverridesFile() throws IOException {
    Path conf = file("""
        glow.node { name = n1, cluster-port = 2600, repo = "/srv/glow-repo", seeds = ["10.0.0.1:2552"] }
        """);
    NodeSettings s = NodeSettings.load(Optional.of(conf),
        Map.of("name", "n2", "seeds", "10.0.0.1:2552, 10.0.0.2:2552", "sync-interval", "1m"));
    assertEquals("n2", s.name());
    assertEquals(2600, s.clusterPort());
    assertEquals(Optional.of("/srv/glow-repo"), s.repo());
    assertEquals(List.of(new NodeSettings.HostPort("10.0.0.1", 2552), new NodeSettings.HostPort("10.0.0.2", 2552)),
        s.seeds());
    assertEquals(Duration.ofMinutes(1), s.syncInterval());
  }

  @Test
  void everyProblemIsReportedWithItsKeyAndWhereTheValueCameFrom() throws IOException {
    Path conf = file("""
        glow.node {
          name = "N 2"
          seeds = ["10.0.0.1"]
          nmae = n2
        }
        """);
    var e = assertThrows(NodeSettings.Invalid.class,
        () -> NodeSettings.load(Optional.of(conf), Map.of("cluster-port", "70000")));
    String f = conf.getFileName().toString();
    assertEquals(List.of(
        f + ": 4: glow.node.nmae: unknown setting (known: api, artifacts, bootstrap, branch, cluster-port, cluster-tls, data-dir, "
            + "exit-jvm-on-shutdown, host, housekeeping, name, repo, run-as-user, seeds, stop-timeout, supervisor, sync-interval)",
        f + ": 2: glow.node.name: \"N 2\" is not a node name (lower-case letters, digits and '-', e.g. n2)",
        "command line --cluster-port: glow.node.cluster-port: 70000 is not a port (use 0-65535)",
        f + ": 3: glow.node.seeds: seeds[0] \"10.0.0.1\" is not host:port (port 1-65535)"),
        e.problems().stream().map(p -> p.replaceAll("^.*" + f, f)).toList());
  }

  @Test
  void supervisorTimingsDefaultToTheProductionValuesAndCanBeSetPerKey() {
    assertEquals(SupervisorTiming.defaults(), NodeSettings.load(Optional.empty(), Map.of()).supervisor());
    SupervisorTiming t = NodeSettings.load(Optional.empty(), Map.of("glow.node.supervisor.drain", "500ms",
        "glow.node.supervisor.start-timeout", "2m", "glow.node.supervisor.health-falls", "5")).supervisor();
    assertEquals(Duration.ofMillis(500), t.drain());
    assertEquals(Duration.ofMinutes(2), t.startTimeout());
    assertEquals(5, t.healthFalls());
    assertEquals(Duration.ofSeconds(10), t.stopGrace());
  }

  @Test
  void badSupervisorTimingsAreReportedWithTheirKeys() throws IOException {
    Path conf = file("""
        glow.node.supervisor {
          drian = 1s
          health-falls = 0
          stop-grace = -1s
        }
        """);
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.of(conf),
        Map.of("glow.node.supervisor.start-timeout", "soon")));
    String f = conf.getFileName().toString();
    List<String> problems = e.problems().stream().map(p -> p.replaceAll("^.*" + f, f)).toList();
    assertEquals(4, problems.size(), problems.toString());
    assertEquals(f + ": 2: glow.node.supervisor.drian: unknown setting (known: backoff-max, backoff-min, drain,"
        + " failed-retry, health-falls, rollout-lease, rollout-renew, rollout-settle, stable-after, start-timeout,"
        + " stop-grace)", problems.get(0));
    assertEquals(f + ": 3: glow.node.supervisor.health-falls: 0 must be at least 1", problems.get(1));
    assertEquals(f + ": 4: glow.node.supervisor.stop-grace: PT-1S must not be negative (0s turns it off)",
        problems.get(2));
    assertTrue(problems.get(3).contains("glow.node.supervisor.start-timeout"), problems.get(3));
  }

  @Test
  void housekeepingDefaultsComeFromReferenceConfAndCanBeSetPerKey() {
    assertEquals(HousekeepingSettings.defaults(), NodeSettings.load(Optional.empty(), Map.of()).housekeeping());
    HousekeepingSettings h = NodeSettings.load(Optional.empty(), Map.of("glow.node.housekeeping.keep-versions", "0",
        "glow.node.housekeeping.removed-instance-retention", "1d")).housekeeping();
    assertEquals(0, h.keepVersions());
    assertEquals(Duration.ofDays(1), h.removedInstanceRetention());
    assertEquals(Duration.ofHours(1), h.artifactGrace());
  }

  @Test
  void badHousekeepingSettingsAreReportedWithTheirKeys() throws IOException {
    Path conf = file("""
        glow.node.housekeeping {
          keep-version = 3
          keep-versions = -1
          artifact-grace = 10s
          removed-instance-retention = 0s
        }
        """);
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.of(conf),
        Map.of("glow.node.housekeeping.interval", "hourly")));
    String f = conf.getFileName().toString();
    List<String> problems = e.problems().stream().map(p -> p.replaceAll("^.*" + f, f)).toList();
    assertEquals(5, problems.size(), problems.toString());
    assertEquals(f + ": 2: glow.node.housekeeping.keep-version: unknown setting (known: artifact-grace, interval,"
        + " keep-versions, removed-instance-retention)", problems.get(0));
    assertEquals(f + ": 3: glow.node.housekeeping.keep-versions: -1 must not be negative (0 keeps only the versions"
        + " in use)", problems.get(1));
    assertTrue(problems.get(2).contains("glow.node.housekeeping.interval"), problems.get(2));
    assertEquals(f + ": 4: glow.node.housekeeping.artifact-grace: PT10S is below the minimum PT1M (a version fetched"
        + " for a start must outlive the start; e.g. 1h)", problems.get(3));
    assertEquals(f + ": 5: glow.node.housekeeping.removed-instance-retention: PT0S is below the minimum PT1M"
        + " (a stopping instance still writes its log; e.g. 7d)", problems.get(4));
  }

  @Test
  void aBadValueNamesTheFlagOrTheDashDItCameFromAndADurationSaysWhatOneLooksLike() {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.empty(),
        new LinkedHashMap<>(Map.of("cluster-port", "abc", "sync-interval", "fast"))));
    assertTrue(e.problems().contains("command line --cluster-port: glow.node.cluster-port: \"abc\" is not a port (use 0-65535)"),
        e.problems().toString());
    assertTrue(e.problems().contains(
        "command line -D sync-interval: glow.node.sync-interval: \"fast\" is not a duration (e.g. 500ms, 10s, 1m)"),
        "there is no --sync-interval flag; the value came from -D sync-interval=fast: " + e.problems());
  }

  @Test
  void aHousekeepingValueThatIsNotABlockIsRejected() {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.empty(),
        Map.of("glow.node.housekeeping", "off")));
    assertEquals(List.of("command line -D glow.node.housekeeping: glow.node.housekeeping: must be a block"
        + " { keep-versions, interval, artifact-grace, removed-instance-retention }"), e.problems());
  }

  @Test
  void aRolloutLeaseThatCannotSurviveOneLostRenewalIsRejected() {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.empty(),
        Map.of("glow.node.supervisor.rollout-lease", "2s")));
    assertEquals(List.of("command line -D glow.node.supervisor.rollout-lease: glow.node.supervisor.rollout-lease: PT2S"
        + " must be more than twice rollout-renew PT1S (a permit must survive one lost renewal), e.g. 5s with renew 1s"),
        e.problems());
  }

  @Test
  void stopTimeoutAutoIsEveryShutdownPhaseTimingOutPlusTheWorkAfterIt() {
    NodeSettings s = NodeSettings.load(Optional.empty(), Map.of());
    // Akka 2.8.5's 12 phases at Glow's 10 s, the shard hand-off at 30 s, actor-system-terminate at 10 s
    assertEquals(Duration.ofSeconds(140), NodeSettings.worstCaseShutdown(s.config()));
    assertEquals(Duration.ofSeconds(170), s.stopTimeout());
    // raising a phase raises the auto deadline with it
    NodeSettings longHandOff = NodeSettings.load(Optional.empty(),
        Map.of("akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "90s"));
    assertEquals(Duration.ofSeconds(230), longHandOff.stopTimeout());
    assertEquals(Duration.ofSeconds(5), NodeSettings.load(Optional.empty(), Map.of("stop-timeout", "5s")).stopTimeout());
  }

  @Test
  void aStopTimeoutThatIsNeitherAutoNorPositiveIsRejected() {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.empty(), Map.of("stop-timeout", "0s")));
    assertEquals(List.of("command line -D stop-timeout: glow.node.stop-timeout: PT0S must be positive (e.g. 10s)"), e.problems());
    var never = assertThrows(NodeSettings.Invalid.class,
        () -> NodeSettings.load(Optional.empty(), Map.of("stop-timeout", "never")));
    assertTrue(never.getMessage().contains("glow.node.stop-timeout"), never.getMessage());
  }

  @Test
  void wrongTypeNamesTheKey() {
    var e = assertThrows(NodeSettings.Invalid.class,
        () -> NodeSettings.load(Optional.empty(), Map.of("sync-interval", "often")));
    assertTrue(e.getMessage().contains("glow.node.sync-interval"), e.getMessage());
  }

  @Test
  void missingConfigFileIsAClearError() {
    Path missing = dir.resolve("nope.conf");
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.of(missing), Map.of()));
    assertEquals(List.of("--config " + missing + ": no such file (give the path of a HOCON file, e.g. node.conf)"),
        e.problems());
  }

  @Test
  void akkaConfigCarriesAddressRoleSeedsAndNodeDefaults() {
    NodeSettings s = NodeSettings.load(Optional.empty(), Map.of("name", "n2", "host", "10.0.0.2",
        "cluster-port", "2553", "seeds", "10.0.0.1:2552", "exit-jvm-on-shutdown", "off"));
    Config akka = s.akkaConfig();
    assertEquals("cluster", akka.getString("akka.actor.provider"));
    assertEquals("10.0.0.2", akka.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(2553, akka.getInt("akka.remote.artery.canonical.port"));
    assertEquals(List.of("glow-node:n2"), akka.getStringList("akka.cluster.roles"));
    assertEquals(List.of("akka://glow@10.0.0.1:2552"), akka.getStringList("akka.cluster.seed-nodes"));
    assertEquals("keep-majority", akka.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals("none", akka.getString("akka.cluster.sharding.passivation.strategy"));
    assertFalse(akka.getBoolean("akka.coordinated-shutdown.exit-jvm"));
  }

  @Test
  void operatorAkkaSettingsBeatGlowNodeDefaults() throws IOException {
    Path conf = file("akka.cluster.split-brain-resolver.active-strategy = keep-oldest\n");
    NodeSettings s = NodeSettings.load(Optional.of(conf), Map.of("akka.loglevel", "DEBUG"));
    assertEquals("keep-oldest", s.akkaConfig().getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals("DEBUG", s.akkaConfig().getString("akka.loglevel"));
  }

  @Test
  void otherActorSystemsOnTheClasspathStayLocal() {
    // reference.conf is read by every ActorSystem: node-only settings must not leak into it
    Config plain = ConfigFactory.load();
    assertEquals("local", plain.getString("akka.actor.provider"));
    assertFalse(plain.getBoolean("akka.coordinated-shutdown.exit-jvm"));
    assertEquals("jackson-cbor", plain.getString("akka.actor.serialization-bindings.\"glow.actors.CborSerializable\""));
  }
}
