package glow.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes the candidates in turn; one per upstream, lock-free. */
public final class RoundRobin implements Balancer {
  private final AtomicInteger next = new AtomicInteger();

  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    // floorMod keeps the index valid after the int counter wraps around.
    return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
  }
}
