package glow.proxy.sniff;

import akka.util.ByteString;

/**
 * Watches the bytes of one proxied TCP connection and counts protocol-level events (HTTP requests,
 * Redis commands); it never changes, holds back or reorders a byte. One per connection, called from
 * that connection's stream only (never concurrently), so implementations need no locking.
 */
public interface Sniffer {
  /** Bytes the downstream (client) sent towards the upstream, in order. */
  void onRequestBytes(ByteString bytes);

  /** Bytes the upstream sent back towards the downstream, in order. */
  void onResponseBytes(ByteString bytes);

  /** The connection ended, either side first; a request still waiting for its answer is counted as unanswered. */
  void onClose();
}
