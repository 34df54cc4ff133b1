package glow.actors.cluster;

import akka.actor.ActorRef;
import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardCoordinator;
import akka.cluster.typed.Cluster;
import akka.dispatch.Futures;
import glow.actors.node.NodeSettings;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Puts shard {@code n2} on the region of the Up member with role {@code glow-node:n2}, and only
 * there; one per sharded entity type on each node (only the coordinator's copy is used).
 *
 * <p>Shard id = Glow node name (see {@link PinnedEntityIds}). If two members claim the same name
 * (a misconfiguration, warned about by {@link Placement}) the oldest wins, and rebalancing moves a
 * shard that sits anywhere else to it.
 *
 * <p>When no Up member has the role, allocation is deferred: the returned future never completes,
 * so the coordinator allocates nothing and the asking region retries after
 * {@code akka.cluster.sharding.retry-interval}, succeeding once the node is Up. A failed future
 * would do the same but make the coordinator log an ERROR with a stack trace on every retry. We
 * log one WARN per absence instead. Callers must still check {@link Placement} before sending:
 * the region buffers such messages until the node comes.
 *
 * <p>Membership comes from the cluster read view, as the coordinator's own region registration
 * check does; a node that just became Up may be refused once and is found on the retry.
 */
public final class PinnedShardAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {
  private static final Logger log = LoggerFactory.getLogger(PinnedShardAllocation.class);

  private final Cluster cluster;
  private final Set<String> reportedAbsent = ConcurrentHashMap.newKeySet();

  public PinnedShardAllocation(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
    Optional<Address> home = home(shardId, cluster.state().getMembers());
    Optional<ActorRef> region = home.flatMap(a -> regionAt(a, currentShardAllocations.keySet()));
    if (region.isPresent()) {
      if (reportedAbsent.remove(shardId)) log.info("node {} is Up: its instances start there now", shardId);
      return Futures.successful(region.get());
    }
    if (reportedAbsent.add(shardId)) {
      log.warn("instances of node {} wait: {}; they start when it joins", shardId,
          home.isEmpty() ? "no Up cluster member has role " + NodeSettings.ROLE_PREFIX + shardId
              : "its shard region has not registered yet");
    }
    return Futures.<ActorRef>promise().future(); // deferred, see class comment
  }

  @Override
  public Future<java.util.Set<String>> rebalance(
      Map<ActorRef, IndexedSeq<String>> currentShardAllocations, java.util.Set<String> rebalanceInProgress) {
    Iterable<Member> members = cluster.state().getMembers();
    Map<Address, List<String>> byAddress = new HashMap<>();
    currentShardAllocations.forEach((region, shards) ->
        byAddress.put(addressOf(region), scala.jdk.javaapi.CollectionConverters.asJava(shards)));
    Set<String> move = misplaced(byAddress, shard -> home(shard, members), rebalanceInProgress);
    if (!move.isEmpty()) log.info("moving shards {} to the members named like them", move);
    return Futures.successful(move);
  }

  /** The address of the oldest Up member whose role names the node {@code shardId}. */
  static Optional<Address> home(String shardId, Iterable<Member> members) {
    String role = NodeSettings.ROLE_PREFIX + shardId;
    Member oldest = null;
    for (Member m : members) {
      if (m.status() == MemberStatus.up() && m.hasRole(role) && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    return Optional.ofNullable(oldest).map(Member::address);
  }

  /**
   * Shards that sit on a region other than their home, when the home is known; shards whose home
   * is absent stay where they are (moving them would only leave them unallocated).
   */
  static Set<String> misplaced(
      Map<Address, List<String>> shardsByRegion, Function<String, Optional<Address>> homeOf, Set<String> inProgress) {
    Set<String> move = new HashSet<>();
    shardsByRegion.forEach((region, shards) -> {
      for (String shard : shards) {
        if (inProgress.contains(shard)) continue;
        Optional<Address> home = homeOf.apply(shard);
        if (home.isPresent() && !home.get().equals(region) && shardsByRegion.containsKey(home.get())) {
          move.add(shard);
        }
      }
    });
    return move;
  }

  private Optional<ActorRef> regionAt(Address address, Set<ActorRef> regions) {
    return regions.stream().filter(r -> addressOf(r).equals(address)).findFirst();
  }

  /** The local region's ref has no host in its address: it stands for this node. */
  private Address addressOf(ActorRef region) {
    Address a = region.path().address();
    return a.hasGlobalScope() ? a : cluster.selfMember().address();
  }
}
