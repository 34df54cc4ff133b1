package glow.proxy.sniff;

/** Chooses the sniffer for a new connection. */
public final class Sniffers {
  private Sniffers() {}

  /** A sniffer for one new connection; it recognises the protocol from the first bytes itself. */
  public static Sniffer forConnection(ConnectionTags tags) {
    // Protocol recognition (HTTP/1.x, RESP) lands with the sniff package; until then every
    // connection is plain TCP, counted only by the listener's byte and connection metrics.
    return PlainTcp.INSTANCE;
  }

  /** Plain TCP: nothing to count beyond what the listener already counts. */
  enum PlainTcp implements Sniffer {
    INSTANCE;

    @Override public void onRequestBytes(akka.util.ByteString bytes) {}
    @Override public void onResponseBytes(akka.util.ByteString bytes) {}
    @Override public void onClose() {}
  }
}
