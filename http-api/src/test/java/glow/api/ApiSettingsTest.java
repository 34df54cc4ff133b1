package glow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import glow.actors.node.NodeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a node's API settings are read from its layered config. */
class ApiSettingsTest {
  static ApiSettings load(Map<String, String> overrides) {
    return ApiSettings.of(NodeSettings.load(Optional.empty(), overrides));
  }

  @Test
  void defaultsToLoopback7700WithoutTokensOrTls() {
    ApiSettings s = load(Map.of());
    assertEquals("127.0.0.1", s.host());
    assertEquals(7700, s.port());
    assertEquals(List.of(), s.tokens());
    assertEquals(Optional.empty(), s.tlsCert());
  }

  @Test
  void tokensFromTheCommandLineAreACommaSeparatedString() {
    ApiSettings s = load(Map.of("api", "0.0.0.0:8800", "glow.api.tokens", " one, two ,"));
    assertEquals(List.of("one", "two"), s.tokens());
    assertEquals("0.0.0.0", s.host());
    assertEquals(8800, s.port());
  }

  @Test
  void tlsNeedsBothCertAndKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load(Map.of("glow.api.tls.cert", "/etc/glow/api.crt")));
    assertEquals("glow.api.tls: set both cert and key (PEM files) or neither", e.getMessage());
    ApiSettings s = load(Map.of("glow.api.tls.cert", "/etc/glow/api.crt", "glow.api.tls.key", "/etc/glow/api.key"));
    assertEquals(Optional.of(Path.of("/etc/glow/api.crt")), s.tlsCert());
  }

  @Test
  void anHttpsApiCannotServeClusterBootstrap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(Map.of(
        "glow.api.tls.cert", "/etc/glow/api.crt", "glow.api.tls.key", "/etc/glow/api.key",
        "glow.node.bootstrap.service-name", "glow.internal.example", "glow.node.bootstrap.discovery-method", "akka-dns")));
    assertEquals("glow.api.tls: the API must be plain HTTP when glow.node.bootstrap is set (other nodes probe it for "
        + "/bootstrap/seed-nodes); join by glow.node.seeds to keep HTTPS", e.getMessage());
  }
}
