package glow.actors.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import glow.actors.node.OneNodeCluster;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Starts a node's Listeners actor on a test class's one-node cluster and reads or waits on its
 * listings, for ListenersTest and ExposeListenersTest; stateless.
 */
final class Listings {
  private Listings() {}

  /** How long one answer, one wait for a condition or one stop may take. */
  static final Duration WAIT = Duration.ofSeconds(10);

  /** A 5 s drain grace; a failed bind is retried within 100-400 ms, so a freed port is taken within a test. */
  static final ListenersSettings SETTINGS = ListenersSettings.defaults()
      .withDrainGrace(Duration.ofSeconds(5))
      .withBindRetry(Duration.ofMillis(100), Duration.ofMillis(400));

  /** A Listeners actor of the cluster's node over its real registry. */
  static ActorRef<Listeners.Command> spawnListeners(OneNodeCluster cluster) {
    return cluster.testKit().spawn(Listeners.create(cluster.name(), cluster.registry(), SETTINGS));
  }

  static Listeners.Listing listing(ActorTestKit testKit, ActorRef<Listeners.Command> listeners) {
    TestProbe<Listeners.Listing> probe = testKit.createTestProbe();
    listeners.tell(new Listeners.GetListeners(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  /** Polls GetListeners until {@code condition} holds; returns that listing. */
  static Listeners.Listing awaitListing(ActorTestKit testKit, ActorRef<Listeners.Command> listeners, String what,
                                        Predicate<Listeners.Listing> condition) {
    Listeners.Listing[] last = {null};
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      last[0] = listing(testKit, listeners);
      assertTrue(condition.test(last[0]), what + ", got " + last[0]);
      return null;
    });
    return last[0];
  }

  /** The listener on {@code port}, or null. */
  static ListenerStatus on(Listeners.Listing l, int port) {
    return l.listeners().stream().filter(s -> s.port() == port).findFirst().orElse(null);
  }
}
