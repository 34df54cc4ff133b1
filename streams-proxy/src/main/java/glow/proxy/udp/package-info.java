/**
 * UDP forwarding for provided UDP ports ({@code stats: 8125/udp}): {@link glow.proxy.udp.UdpProxy}
 * binds a local port and forwards each client's datagrams, in a session of its own, to one endpoint.
 *
 * <p>Metrics (tagged {@code listener}, {@code upstream}): {@code glow_proxy_udp_datagrams_total{direction}},
 * {@code glow_proxy_udp_bytes_total{direction}} (upstream: client to endpoint; downstream: back),
 * {@code glow_proxy_udp_sessions}, {@code glow_proxy_udp_drops_total{reason}}.
 */
package glow.proxy.udp;
