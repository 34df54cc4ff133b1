package glow.proxy.udp;

import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.tag.TagSet;

/**
 * The Kamon instruments of one UDP listener, resolved once when it starts; one per {@link UdpProxy}.
 *
 * <p>Prometheus names: {@code glow_proxy_udp_datagrams_total{direction}} and
 * {@code glow_proxy_udp_bytes_total{direction}} (direction {@code upstream}: client to endpoint,
 * {@code downstream}: endpoint to client), {@code glow_proxy_udp_sessions} (active sessions) and
 * {@code glow_proxy_udp_drops_total{reason}} (reason {@code sessions-full}, {@code no-endpoint},
 * {@code send-failed}, {@code endpoint-unreachable}).
 */
final class UdpMetrics {
  static final String DATAGRAMS = "glow.proxy.udp.datagrams";
  static final String BYTES = "glow.proxy.udp.bytes";
  static final String SESSIONS = "glow.proxy.udp.sessions";
  static final String DROPS = "glow.proxy.udp.drops";

  final Counter datagramsUp;
  final Counter datagramsDown;
  final Counter bytesUp;
  final Counter bytesDown;
  final Gauge sessions;
  final Counter dropSessionsFull;
  final Counter dropNoEndpoint;
  final Counter dropSendFailed;
  final Counter dropUnreachable;

  UdpMetrics(String listener, String upstream) {
    TagSet base = TagSet.builder().add("listener", listener).add("upstream", upstream).build();
    TagSet up = base.withTag("direction", "upstream");
    TagSet down = base.withTag("direction", "downstream");
    datagramsUp = Kamon.counter(DATAGRAMS, "UDP datagrams forwarded").withTags(up);
    datagramsDown = Kamon.counter(DATAGRAMS, "UDP datagrams forwarded").withTags(down);
    bytesUp = Kamon.counter(BYTES, "UDP payload bytes forwarded").withTags(up);
    bytesDown = Kamon.counter(BYTES, "UDP payload bytes forwarded").withTags(down);
    sessions = Kamon.gauge(SESSIONS, "active UDP client sessions").withTags(base);
    dropSessionsFull = drops(base, "sessions-full");
    dropNoEndpoint = drops(base, "no-endpoint");
    dropSendFailed = drops(base, "send-failed");
    dropUnreachable = drops(base, "endpoint-unreachable");
  }

  private static Counter drops(TagSet base, String reason) {
    return Kamon.counter(DROPS, "UDP datagrams dropped").withTags(base.withTag("reason", reason));
  }
}
