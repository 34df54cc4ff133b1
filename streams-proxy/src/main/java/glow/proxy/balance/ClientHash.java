package glow.proxy.balance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Sends every connection of one client IP address to the same endpoint (rendezvous hashing: the
 * candidate with the highest hash of client and endpoint wins), so when an endpoint leaves only its
 * own clients move. Stateless, one per upstream; O(candidates) per choice, no allocation.
 */
public final class ClientHash implements Balancer {
  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    long clientHash = clientHash(client);
    C best = null;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0, n = candidates.size(); i < n; i++) {
      C c = candidates.get(i);
      long score = mix(clientHash ^ (c.endpoint().hashCode() * 0x9E3779B97F4A7C15L));
      if (best == null || score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }

  private static long clientHash(InetSocketAddress client) {
    if (client == null) return 0;
    InetAddress address = client.getAddress();
    return address == null ? client.getHostString().hashCode() : Arrays.hashCode(address.getAddress());
  }

  /** The finaliser of SplitMix64: spreads nearby inputs over the whole long range. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
