package glow.proxy.balance;

import glow.proxy.Endpoint;

/**
 * What a {@link Balancer} may look at of one endpoint when choosing: its address and live connection
 * count. One per endpoint of an upstream; the count changes under the balancer's feet (lock-free).
 */
public interface Candidate {
  Endpoint endpoint();

  /** Connections open or being opened to this endpoint right now, over every listener of this JVM. */
  int activeConnections();
}
