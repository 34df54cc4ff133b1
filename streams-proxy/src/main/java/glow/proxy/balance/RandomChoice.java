package glow.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Takes a uniformly random candidate; stateless, one per upstream. */
public final class RandomChoice implements Balancer {
  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }
}
