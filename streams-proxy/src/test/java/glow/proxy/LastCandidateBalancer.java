package glow.proxy;

import glow.proxy.balance.Balancer;
import glow.proxy.balance.Candidate;
import java.net.InetSocketAddress;
import java.util.List;

/** A user-style balancer loaded by class name in tests: always the last candidate. */
public final class LastCandidateBalancer implements Balancer {
  @Override public <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client) {
    return candidates.get(candidates.size() - 1);
  }
}
