package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the counterparts of one of the API's actors on the other cluster members by its path, which
 * is the same on every node (the API's actors have fixed names); one static utility.
 *
 * <p>Why not the Receptionist (or pub-sub {@code Topic}, which is built on it): it learns of another
 * node's actors through gossip, seconds after that node joined (more under load), and until then a
 * node's status changes and log lines are invisible to the others. Membership is known before a
 * node runs anything, so addressing by path has no such window. A member whose API is not started
 * yet has nothing at the path: what is sent there goes to its dead letters, what is asked times out.
 */
public final class ClusterPeers {
  private ClusterPeers() {}

  /**
   * The actor at {@code local}'s path on every member but this one that has not left the cluster
   * (unreachable ones included: they may come back, and a message to them is simply dropped).
   */
  public static <T> List<ActorRef<T>> of(ActorSystem<?> system, ActorRef<T> local) {
    Cluster cluster = Cluster.get(system);
    String path = local.path().toStringWithoutAddress();
    ActorRefResolver resolver = ActorRefResolver.get(system);
    List<ActorRef<T>> peers = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.equals(cluster.selfMember()) || m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
      peers.add(resolver.resolveActorRef(m.address() + path));
    }
    return peers;
  }
}
