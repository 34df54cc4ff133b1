package glow.api.events;

import glow.conf.Problem;
import java.time.Instant;
import java.util.List;

/**
 * The repo version in force on this node, and since when; one per version received (published on
 * the node's local EventStream when the version or its problems change).
 *
 * @param version commit id, {@code dir-<hash>} for a plain directory, "none" before the first load
 * @param receivedAt when this node got the version
 * @param lastSync when this node last heard from the sync job (every load republishes)
 * @param problems every problem of the repo now, by file; empty when valid
 */
public record RepoVersion(String version, Instant receivedAt, Instant lastSync, List<Problem> problems) {
  public RepoVersion {
    problems = List.copyOf(problems);
  }
}
