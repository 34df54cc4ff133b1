package glow.api;

import akka.actor.typed.ActorSystem;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import glow.actors.cluster.Nodes;
import glow.actors.cluster.Placement;
import glow.actors.node.NodeSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The cluster as {@code GET /api/cluster} shows it, read from this node's view of the membership;
 * one static utility.
 *
 * <p>The repo sync job is a cluster singleton, which Akka runs on the oldest Up member (no role
 * restriction), so that member is named as where it runs.
 */
final class ClusterView {
  private ClusterView() {}

  static Map<String, Object> of(ActorSystem<?> system, String self) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Nodes placement = Placement.get(system).nodes();
    Member oldest = null;
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() && (oldest == null || m.isOlderThan(oldest))) oldest = m;
    }
    String leader = state.getLeader() == null ? null : state.getLeader().toString();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (Member m : state.getMembers()) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("name", nodeName(m));
      n.put("address", m.address().toString());
      n.put("status", m.status().toString());
      n.put("reachable", !unreachable.contains(m));
      String name = nodeName(m);
      Instant since = placement.unreachableSince().get(name);
      if (since != null) n.put("unreachableSince", since);
      n.put("detail", detail(m, unreachable.contains(m), since == null ? Optional.empty() : Placement.get(system).absence(name)));
      n.put("roles", m.getRoles().stream().sorted().toList());
      n.put("leader", m.address().toString().equals(leader));
      n.put("repoSync", m.equals(oldest));
      n.put("self", m.equals(cluster.selfMember()));
      nodes.add(n);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("self", self);
    out.put("selfAddress", cluster.selfMember().address().toString());
    out.put("leader", leader);
    out.put("repoSyncNode", oldest == null ? null : nodeName(oldest));
    out.put("nodes", nodes);
    out.put("unreachable", StreamSupport.stream(unreachable.spliterator(), false).map(ClusterView::nodeName).toList());
    return out;
  }

  /**
   * The member's state in words, for the dashboard: "up", "unreachable since 12:03:04 UTC (downed by
   * ...)", "leaving the cluster" ...
   *
   * @param absence Placement's words for an unreachable Glow node, which say since when and what ends it
   */
  static String detail(Member m, boolean unreachable, Optional<String> absence) {
    MemberStatus s = m.status();
    String status = s == MemberStatus.up() ? "up"
        : s == MemberStatus.joining() || s == MemberStatus.weaklyUp() ? "joining the cluster"
        : s == MemberStatus.leaving() ? "leaving the cluster (its instances stop or move)"
        : s == MemberStatus.exiting() ? "leaving the cluster: exiting"
        : s == MemberStatus.down() ? "downed: being removed from the cluster"
        : s == MemberStatus.removed() ? "removed from the cluster"
        : s.toString();
    if (!unreachable) return status;
    // absence: "node n3 unreachable since 12:03:04 UTC (downed by ...)"
    return absence.map(a -> a.replaceFirst("^node \\S+ ", ""))
        .orElse("unreachable (a failure detector lost it; " + status + ")");
  }

  /** The Glow name of a member, from its glow-node:NAME role; its address when it has none. */
  static String nodeName(Member m) {
    return m.getRoles().stream().filter(r -> r.startsWith(NodeSettings.ROLE_PREFIX))
        .map(r -> r.substring(NodeSettings.ROLE_PREFIX.length())).findFirst().orElse(m.address().toString());
  }
}
