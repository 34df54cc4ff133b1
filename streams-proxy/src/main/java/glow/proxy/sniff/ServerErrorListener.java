package glow.proxy.sniff;

/**
 * The hook through which the proxy core learns of 5xx answers, e.g. to eject an endpoint; one per
 * listener or upstream, shared by all its connections.
 *
 * <p>It is called on the connection's stream thread, once per final 5xx response head, with the
 * connection's tags (the endpoint that answered is {@code tags.endpoint()}) and the status code. It
 * must be cheap and must not block (tell an actor, bump an atomic counter). Whatever it throws is
 * caught and dropped by the sniffer: a broken hook never disturbs the bytes.
 */
@FunctionalInterface
public interface ServerErrorListener {
  /** The listener that ignores every 5xx. */
  ServerErrorListener NONE = (tags, status) -> {};

  void onServerError(ConnectionTags tags, int status);
}
