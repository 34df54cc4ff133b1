package glow.proxy;

import akka.util.ByteString;
import java.net.InetSocketAddress;

/**
 * Bytes a listener sends to the upstream before any byte of the downstream, as soon as the upstream
 * connection is established (e.g. a PROXY protocol header); at most one per listener, see
 * {@link ProxyProtocol}. Called once per connected upstream connection, on the stream's thread.
 */
@FunctionalInterface
public interface Preamble {
  /**
   * @param client   the downstream's address
   * @param listener the address the downstream connected to
   * @return the bytes to send first; empty for none
   */
  ByteString header(InetSocketAddress client, InetSocketAddress listener);
}
