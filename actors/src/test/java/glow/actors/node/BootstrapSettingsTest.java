package glow.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** glow.node.bootstrap: off by default, rendered to Akka Management's bootstrap and discovery, every mistake named by key. */
class BootstrapSettingsTest {
  @TempDir Path dir;

  Path conf(String text) throws IOException {
    return Files.writeString(dir.resolve("node.conf"), text);
  }

  List<String> problems(Path conf, Map<String, String> overrides) {
    var e = assertThrows(NodeSettings.Invalid.class, () -> NodeSettings.load(Optional.of(conf), overrides));
    return e.problems().stream().map(p -> p.replace(conf.toString(), "node.conf")).toList();
  }

  @Test
  void bootstrapIsOffByDefaultAndItsRouteIsNotServed() {
    NodeSettings s = NodeSettings.load(Optional.empty(), Map.of());
    assertEquals(Optional.empty(), s.bootstrap());
    assertEquals("", s.akkaConfig().getString("akka.management.http.routes.cluster-bootstrap"));
  }

  @Test
  void configDiscoveryRendersContactPointsAndThisNodesOwnContactPoint() throws IOException {
    Path conf = conf("""
        glow.node {
          host = "10.0.0.11"
          api = "0.0.0.0:7700"
          bootstrap { service-name = glow, contact-points = ["10.0.0.11:7700", "10.0.0.12:7700", "10.0.0.13:7700"] }
        }
        """);
    NodeSettings s = NodeSettings.load(Optional.of(conf), Map.of());
    assertEquals(new BootstrapSettings("glow", "config", List.of(new NodeSettings.HostPort("10.0.0.11", 7700),
        new NodeSettings.HostPort("10.0.0.12", 7700), new NodeSettings.HostPort("10.0.0.13", 7700)), 2), s.bootstrap().get());
    Config akka = s.akkaConfig();
    assertEquals("akka.management.cluster.bootstrap.ClusterBootstrap$",
        akka.getString("akka.management.http.routes.cluster-bootstrap"));
    assertEquals("10.0.0.11", akka.getString("akka.management.http.hostname"));
    assertEquals(7700, akka.getInt("akka.management.http.port"));
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("glow", akka.getString(discovery + "service-name"));
    assertEquals("config", akka.getString(discovery + "discovery-method"));
    assertEquals(2, akka.getInt(discovery + "required-contact-point-nr"));
    assertFalse(akka.getBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
    List<? extends Config> endpoints = akka.getConfigList("akka.discovery.config.services.glow.endpoints");
    assertEquals(List.of("10.0.0.11:7700", "10.0.0.12:7700", "10.0.0.13:7700"),
        endpoints.stream().map(e -> e.getString("host") + ":" + e.getInt("port")).toList());
    assertEquals(List.of(), akka.getStringList("akka.cluster.seed-nodes"));
  }

  @Test
  void akkaDnsNeedsNoContactPointsAndFallsBackToTheApiPort() throws IOException {
    Path conf = conf("""
        glow.node {
          host = "10.0.0.11"
          api = "10.0.0.11:7700"
          bootstrap { service-name = "glow.internal.example", discovery-method = akka-dns, required-contact-points = 3 }
        }
        """);
    Config akka = NodeSettings.load(Optional.of(conf), Map.of()).akkaConfig();
    assertEquals("akka-dns", akka.getString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
    assertEquals("glow.internal.example", akka.getString("akka.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertEquals(7700, akka.getInt("akka.management.cluster.bootstrap.contact-point.fallback-port"));
    assertEquals(3, akka.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
  }

  @Test
  void everyBootstrapMistakeIsNamedByKey() throws IOException {
    Path conf = conf("""
        glow.node {
          host = "10.0.0.11"
          seeds = ["10.0.0.11:2552"]
          bootstrap {
            service-name = glow
            discovery-method = consul
            contact-points = ["10.0.0.11"]
            required-contact-points = 0
          }
        }
        """);
    assertEquals(List.of(
        "node.conf: 5: glow.node.bootstrap.service-name: set together with glow.node.seeds: a node joins by seeds or by "
            + "bootstrap, not both",
        "node.conf: 6: glow.node.bootstrap.discovery-method: \"consul\" is not one of config, akka-dns",
        "node.conf: 7: glow.node.bootstrap.contact-points: contact-points[0] \"10.0.0.11\" is not host:port (the API "
            + "address of a node, e.g. 10.0.0.12:7700)",
        "node.conf: 8: glow.node.bootstrap.required-contact-points: 0 must be at least 1"),
        problems(conf, Map.of()).stream().filter(p -> !p.contains("glow.node.api")).toList());
  }

  @Test
  void theApiMustBeOnAFixedPortOtherNodesReach() throws IOException {
    Path conf = conf("""
        glow.node {
          host = "10.0.0.11"
          bootstrap { service-name = glow, contact-points = ["10.0.0.11:7700", "10.0.0.12:7700"], required-contact-points = 3 }
        }
        """);
    List<String> problems = problems(conf, Map.of("api", "127.0.0.1:0"));
    assertEquals(List.of(
        "node.conf: 3: glow.node.bootstrap.required-contact-points: 3 is more than the 2 contact-points: a new cluster "
            + "would never form",
        "command line --api: glow.node.api: port 0 with bootstrap: other nodes find this one's API on a fixed port (e.g. 7700)",
        "command line --api: glow.node.api: 127.0.0.1:0 is loopback only, but bootstrap needs other nodes to reach it on "
            + "10.0.0.11:0 (set it to 10.0.0.11:0 or 0.0.0.0:0)"), problems);
  }

  @Test
  void contactPointsWithoutAServiceNameAreAMistake() throws IOException {
    Path conf = conf("glow.node.bootstrap.contact-points = [\"10.0.0.12:7700\"]\n");
    assertEquals(List.of("node.conf: 1: glow.node.bootstrap.contact-points: set, but service-name is empty, so "
        + "bootstrap is off (set service-name, e.g. glow)"), problems(conf, Map.of()));
  }
}
