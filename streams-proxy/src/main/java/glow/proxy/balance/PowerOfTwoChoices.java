package glow.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks two distinct random candidates and takes the one with fewer active connections (a random
 * one of the two on a tie); stateless, one per upstream. Nearly as even as least-connections
 * without scanning the whole pool, and without its herding on a freshly added endpoint.
 */
public final class PowerOfTwoChoices implements Balancer {
  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    int n = candidates.size();
    if (n == 1) return candidates.get(0);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) b++; // b uniform over the other n-1 indexes
    C ca = candidates.get(a);
    C cb = candidates.get(b);
    int la = ca.activeConnections();
    int lb = cb.activeConnections();
    if (la == lb) return random.nextBoolean() ? ca : cb;
    return la < lb ? ca : cb;
  }
}
