/**
 * Protocol sniffing for the TCP proxy: per connection, {@link glow.proxy.sniff.Sniffers#forConnection}
 * returns a {@link glow.proxy.sniff.Sniffer} that watches the bytes both ways without changing them
 * and counts HTTP/1.x requests or Redis commands in Kamon.
 *
 * <p>Metrics (Prometheus names; every one tagged {@code listener}, {@code upstream}, {@code endpoint}):
 * <ul>
 *   <li>{@code glow_proxy_http_requests_total{method,status}}: method GET, HEAD, POST, PUT, DELETE,
 *       PATCH, OPTIONS, CONNECT, TRACE or OTHER; status 1xx..5xx, or none when the connection closed
 *       before the final answer.
 *   <li>{@code glow_proxy_http_request_time_seconds{method,status}}: histogram, first request byte
 *       to the end of the final response head (time to first response byte, not to the last body
 *       byte, so slow readers and streamed bodies do not inflate it).
 *   <li>{@code glow_proxy_http_unparsed_total}: connections whose HTTP could not be followed.
 *   <li>{@code glow_proxy_redis_commands_total{command}}, {@code glow_proxy_redis_command_time_seconds{command}},
 *       {@code glow_proxy_redis_errors_total{command}}, {@code glow_proxy_redis_unparsed_total}.
 * </ul>
 *
 * <p>The 5xx hook: {@link glow.proxy.sniff.ServerErrorListener}, passed to
 * {@code Sniffers.forConnection(tags, listener)}, hears every final 5xx response with the
 * connection's tags, so the core can eject {@code tags.endpoint()}. {@code ProxyStage} passes one
 * that calls {@code Upstream.reportFailure} for the endpoint that answered. Note: a successful
 * connect resets the endpoint's consecutive failures, so 5xx answers only eject an endpoint when
 * enough of them come without a new connect in between (keep-alive clients).
 */
package glow.proxy.sniff;
