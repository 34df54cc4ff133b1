package glow.api.metrics;

import glow.actors.instance.InstanceStatus;
import java.util.List;
import kamon.Kamon;
import kamon.metric.Gauge;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of the instances supervised on this node: restarts and a 0/1 gauge per
 * state, tagged with app and instance key; one per node, fed by {@code NodeEvents}.
 * Prometheus: {@code glow_instance_restarts}, {@code glow_instance_state{state="running"}},
 * {@code glow_instance_healthy}.
 */
public final class InstanceMetrics {
  /** Every state a supervisor reports; the gauge of each is 1 for the current one, 0 otherwise. */
  static final List<String> STATES =
      List.of("fetching", "starting", "running", "unhealthy", "backoff", "stopping", "stopped", "failed");

  public void update(InstanceStatus s) {
    TagSet tags = TagSet.builder().add("app", s.app()).add("instance", s.key()).add("node", s.node()).build();
    Kamon.gauge("glow.instance.restarts", "restarts of the instance since its supervisor started")
        .withTags(tags).update(s.restarts());
    Kamon.gauge("glow.instance.healthy", "1 while the instance's endpoints are registered")
        .withTags(tags).update(s.healthy() ? 1 : 0);
    for (String state : STATES) {
      Kamon.gauge("glow.instance.state", "1 for the state the instance is in")
          .withTags(tags.withTag("state", state)).update(state.equals(s.state()) ? 1 : 0);
    }
  }
}
