package glow.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the candidate with the fewest active connections; one per upstream. Ties are broken by a
 * rotating start so that idle endpoints share sequential connections instead of the first one
 * taking them all.
 */
public final class LeastConnections implements Balancer {
  private final AtomicInteger start = new AtomicInteger();

  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    int n = candidates.size();
    int first = Math.floorMod(start.getAndIncrement(), n);
    C best = null;
    int bestCount = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      C c = candidates.get((first + i) % n);
      int count = c.activeConnections();
      if (count < bestCount) {
        best = c;
        bestCount = count;
      }
    }
    return best;
  }
}
