package glow.actors.rollout;

import glow.conf.snapshot.InstanceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an app is being rolled to, named stably across nodes: its version plus a digest of its app
 * spec and config source; one per (app, repo version) a supervisor looks at.
 *
 * <p>Every node rebuilds the same spec from the same repo files, so the digest is equal on all
 * nodes; per-instance details (port offset, node, rendered config) stay out of it, so all
 * instances of an app share one target and one halt.
 *
 * @param id "1.1.0/3fa9c0d2e41b": version, '/', 12 hex digits of sha256 of the spec
 * @param version the app's version, for humans ("rollout of greeter to 1.1.0")
 */
public record RolloutTarget(String id, String version) {

  public static RolloutTarget of(InstanceSpec spec) {
    String text = spec.spec().toString() + "\n" + (spec.config() == null ? "" : spec.config().toString());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return new RolloutTarget(spec.spec().version() + "/" + HexFormat.of().formatHex(digest).substring(0, 12),
          spec.spec().version());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
