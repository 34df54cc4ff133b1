package glow.proxy.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real UDP echo server on 127.0.0.1 (port 0) that answers "name:payload" and remembers who sent; one per test backend. */
final class EchoBackend implements AutoCloseable {
  private final String name;
  private final DatagramSocket socket;
  private final Thread thread;
  final Set<SocketAddress> senders = ConcurrentHashMap.newKeySet();
  final AtomicInteger received = new AtomicInteger();

  EchoBackend(String name) throws IOException {
    this.name = name;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.thread = new Thread(this::run, "echo-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void run() {
    byte[] buf = new byte[65_535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        senders.add(p.getSocketAddress());
        received.incrementAndGet();
        byte[] reply = (name + ":" + new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
