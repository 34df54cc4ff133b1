package glow.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import glow.actors.node.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The settings of one node's management API, read from {@code glow.node.api} and {@code glow.api};
 * one per node.
 *
 * @param host interface the API binds
 * @param port its port (0: any free port, tests)
 * @param tokens bearer tokens allowed to call POST routes; empty = every POST is refused
 * @param tlsCert PEM certificate (chain) for HTTPS, empty for plain HTTP
 * @param tlsKey PEM private key of tlsCert
 * @param askTimeout how long a route waits for an actor or another node
 */
public record ApiSettings(String host, int port, List<String> tokens, Optional<Path> tlsCert, Optional<Path> tlsKey,
    Duration askTimeout) {

  public ApiSettings {
    tokens = List.copyOf(tokens);
  }

  /**
   * Reads the node's API settings. {@code glow.api.tokens} may be a list or one comma-separated
   * string (what {@code --api-token} and {@code -D glow.api.tokens=...} give).
   *
   * @throws IllegalArgumentException when only one of the TLS paths is set, or TLS is set together
   *     with cluster bootstrap
   */
  public static ApiSettings of(NodeSettings node) {
    Config c = node.config();
    List<String> tokens = new ArrayList<>();
    if (c.hasPath("glow.api.tokens")) {
      if (c.getValue("glow.api.tokens").valueType() == ConfigValueType.LIST) {
        tokens.addAll(c.getStringList("glow.api.tokens"));
      } else {
        tokens.addAll(Arrays.asList(c.getString("glow.api.tokens").split(",")));
      }
    }
    tokens.replaceAll(String::trim);
    tokens.removeIf(String::isEmpty);
    Optional<Path> cert = path(c, "glow.api.tls.cert");
    Optional<Path> key = path(c, "glow.api.tls.key");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("glow.api.tls: set both cert and key (PEM files) or neither");
    }
    if (cert.isPresent() && node.bootstrap().isPresent()) {
      // the bootstrap's HTTP client probes contact points with the JVM's default trust, not our certificate
      throw new IllegalArgumentException("glow.api.tls: the API must be plain HTTP when glow.node.bootstrap is set "
          + "(other nodes probe it for /bootstrap/seed-nodes); join by glow.node.seeds to keep HTTPS");
    }
    Duration timeout = c.hasPath("glow.api.ask-timeout") ? c.getDuration("glow.api.ask-timeout") : Duration.ofSeconds(3);
    return new ApiSettings(node.api().host(), node.api().port(), tokens, cert, key, timeout);
  }

  /** The same settings with other tokens (glow dev adds a generated one). */
  public ApiSettings withTokens(List<String> newTokens) {
    return new ApiSettings(host, port, newTokens, tlsCert, tlsKey, askTimeout);
  }

  public boolean tls() {
    return tlsCert.isPresent();
  }

  private static Optional<Path> path(Config c, String key) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) return Optional.empty();
    return Optional.of(Path.of(c.getString(key).trim()));
  }
}
