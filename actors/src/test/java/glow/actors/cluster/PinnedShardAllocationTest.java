package glow.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.Address;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rebalance rule: move a shard to its home only when the home's region is there. */
class PinnedShardAllocationTest {
  static final Address A1 = new Address("akka", "glow", "127.0.0.1", 2551);
  static final Address A2 = new Address("akka", "glow", "127.0.0.1", 2552);
  static final Map<String, Address> HOMES = Map.of("n1", A1, "n2", A2);

  static Optional<Address> home(String shard) {
    return Optional.ofNullable(HOMES.get(shard));
  }

  @Test
  void movesAShardThatSitsOnTheWrongMember() {
    var current = Map.of(A1, List.of("n1", "n2"), A2, List.<String>of());
    assertEquals(Set.of("n2"), PinnedShardAllocation.misplaced(current, PinnedShardAllocationTest::home, Set.of()));
  }

  @Test
  void leavesShardsWhoseHomeIsAbsentOrAlreadyMoving() {
    var current = Map.of(A1, List.of("n1", "n2", "n3"));
    // n2's home A2 has no registered region; n3 has no home at all
    assertEquals(Set.of(), PinnedShardAllocation.misplaced(current, PinnedShardAllocationTest::home, Set.of()));
    var both = Map.of(A1, List.of("n2"), A2, List.<String>of());
    assertEquals(Set.of(), PinnedShardAllocation.misplaced(both, PinnedShardAllocationTest::home, Set.of("n2")));
  }

  @Test
  void leavesShardsThatAreHome() {
    var current = Map.of(A1, List.of("n1"), A2, List.of("n2"));
    assertEquals(Set.of(), PinnedShardAllocation.misplaced(current, PinnedShardAllocationTest::home, Set.of()));
  }
}
