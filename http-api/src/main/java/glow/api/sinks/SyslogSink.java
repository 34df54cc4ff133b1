package glow.api.sinks;

import glow.actors.logs.LogLine;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends every line as an RFC 5424 message to a syslog server: one datagram per line over UDP, or
 * octet-counted frames (RFC 6587) over one TCP connection, reconnected after a failure; one per
 * configured sink. UDP gives no delivery guarantee: a datagram the network loses is not retried.
 */
final class SyslogSink extends BufferedSink {
  enum Transport { UDP, TCP }

  /** Longest UDP payload sent; longer messages are cut (RFC 5426 asks receivers for at least 480, most take 64 KiB). */
  static final int MAX_DATAGRAM = 8192;
  private static final int CONNECT_TIMEOUT_MS = 3000;

  private final InetSocketAddress target;
  private final Transport transport;
  private final int facility;
  private DatagramSocket udp;
  private Socket tcp;
  private OutputStream tcpOut;

  SyslogSink(String name, Tuning tuning, InetSocketAddress target, Transport transport, int facility) {
    super(name, "syslog", tuning);
    this.target = target;
    this.transport = transport;
    this.facility = facility;
  }

  @Override
  void send(List<LogLine> batch) throws IOException {
    if (transport == Transport.UDP) {
      if (udp == null) udp = new DatagramSocket();
      for (LogLine l : batch) {
        byte[] b = Syslog.format(l, facility).getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(b, Math.min(b.length, MAX_DATAGRAM), target));
      }
      return;
    }
    if (tcp == null) {
      Socket s = new Socket();
      s.connect(target, CONNECT_TIMEOUT_MS);
      tcp = s;
      tcpOut = s.getOutputStream();
    }
    StringBuilder frames = new StringBuilder();
    for (LogLine l : batch) {
      String m = Syslog.format(l, facility);
      frames.append(m.getBytes(StandardCharsets.UTF_8).length).append(' ').append(m);
    }
    tcpOut.write(frames.toString().getBytes(StandardCharsets.UTF_8));
    tcpOut.flush();
  }

  @Override
  void disconnect() {
    try {
      if (tcp != null) tcp.close();
    } catch (IOException ignored) {
      // already broken
    }
    tcp = null;
    tcpOut = null;
    if (udp != null) udp.close();
    udp = null;
  }
}
