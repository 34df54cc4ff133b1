package glow.proxy;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol headers (HAProxy's spec, versions 1 and 2) that tell an upstream the real
 * client address of a TCP connection; two {@link Preamble}s, no instances.
 */
public final class ProxyProtocol {
  private ProxyProtocol() {}

  /** The 12-byte signature that starts every v2 header. */
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  /** Text form: {@code PROXY TCP4 client-ip listener-ip client-port listener-port\r\n}. */
  public static final Preamble V1 = ProxyProtocol::v1;

  /** Binary form: signature, PROXY command over TCP, addresses and ports in network order. */
  public static final Preamble V2 = ProxyProtocol::v2;

  /** The preamble for {@code "v1"} or {@code "v2"}; null for null. */
  public static Preamble of(String version) {
    if (version == null) return null;
    return switch (version) {
      case "v1" -> V1;
      case "v2" -> V2;
      default -> throw new IllegalArgumentException("unknown PROXY protocol version \"" + version + "\", use v1 or v2");
    };
  }

  static ByteString v1(InetSocketAddress client, InetSocketAddress listener) {
    InetAddress src = client.getAddress();
    InetAddress dst = listener.getAddress();
    boolean four = src instanceof Inet4Address && dst instanceof Inet4Address;
    if (!four && (src instanceof Inet4Address || dst instanceof Inet4Address)) {
      return ByteString.fromString("PROXY UNKNOWN\r\n", StandardCharsets.US_ASCII); // mixed families
    }
    String line = "PROXY " + (four ? "TCP4 " : "TCP6 ") + src.getHostAddress() + " " + dst.getHostAddress() + " "
        + client.getPort() + " " + listener.getPort() + "\r\n";
    return ByteString.fromString(line, StandardCharsets.US_ASCII);
  }

  static ByteString v2(InetSocketAddress client, InetSocketAddress listener) {
    byte[] src = client.getAddress().getAddress();
    byte[] dst = listener.getAddress().getAddress();
    ByteStringBuilder b = new ByteStringBuilder();
    b.putBytes(V2_SIGNATURE);
    b.putByte((byte) 0x21); // version 2, PROXY command
    if (src.length != dst.length) { // mixed families: LOCAL-like UNSPEC, no address block
      b.putByte((byte) 0x00);
      b.putShort(0, ByteOrder.BIG_ENDIAN);
      return b.result();
    }
    boolean four = client.getAddress() instanceof Inet4Address;
    b.putByte((byte) (four ? 0x11 : 0x21)); // AF_INET or AF_INET6, over STREAM
    b.putShort(four ? 12 : 36, ByteOrder.BIG_ENDIAN);
    b.putBytes(src);
    b.putBytes(dst);
    b.putShort(client.getPort(), ByteOrder.BIG_ENDIAN);
    b.putShort(listener.getPort(), ByteOrder.BIG_ENDIAN);
    return b.result();
  }
}
