package glow.proxy.sniff;

import java.util.function.LongSupplier;

/**
 * Chooses the sniffer for a new connection; a static factory, no instances.
 *
 * <p>The returned sniffer recognises the protocol from the first request line itself (see
 * {@link DetectingSniffer}): HTTP/1.x, Redis RESP, or plain TCP (nothing counted beyond the
 * listener's own connection and byte metrics).
 */
public final class Sniffers {
  private Sniffers() {}

  /** A sniffer for one new connection, with no 5xx hook. */
  public static Sniffer forConnection(ConnectionTags tags) {
    return forConnection(tags, ServerErrorListener.NONE);
  }

  /**
   * A sniffer for one new connection; {@code onServerError} hears of every final 5xx HTTP response
   * on it (on the stream thread; see {@link ServerErrorListener}) so the core can eject the endpoint.
   */
  public static Sniffer forConnection(ConnectionTags tags, ServerErrorListener onServerError) {
    return forConnection(tags, onServerError, System::nanoTime);
  }

  /** As above with the clock (ns) that times requests; tests pass a clock they advance. */
  static Sniffer forConnection(ConnectionTags tags, ServerErrorListener onServerError, LongSupplier nanoClock) {
    return new DetectingSniffer(tags, onServerError, nanoClock);
  }

  /** Plain TCP: nothing to count beyond what the listener already counts. */
  enum PlainTcp implements Sniffer {
    INSTANCE;

    @Override public void onRequestBytes(akka.util.ByteString bytes) {}
    @Override public void onResponseBytes(akka.util.ByteString bytes) {}
    @Override public void onClose() {}
  }
}
