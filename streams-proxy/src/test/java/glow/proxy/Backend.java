package glow.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real TCP server on 127.0.0.1 with one behaviour (echo, hang, close at once, slow echo,
 * HTTP status) for proxy tests; one per backend a test needs. Counts the connections it accepted.
 */
final class Backend implements AutoCloseable {
  enum Mode { ECHO, HANG, CLOSE_AT_ONCE, SLOW_ECHO, HTTP }

  final AtomicInteger accepted = new AtomicInteger();
  /** For HTTP mode: the status every answer carries; tests flip it. */
  volatile int httpStatus = 200;
  private final Mode mode;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "backend");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> sockets = new ArrayList<>();

  private Backend(Mode mode, int port) throws IOException {
    this.mode = mode;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    threads.execute(this::acceptLoop);
  }

  static Backend start(Mode mode) throws IOException {
    return new Backend(mode, 0);
  }

  /** Starts on a given port, e.g. again on the port of a closed backend. */
  static Backend start(Mode mode, int port) throws IOException {
    return new Backend(mode, port);
  }

  int port() {
    return server.getLocalPort();
  }

  Endpoint endpoint() {
    return new Endpoint("127.0.0.1", port());
  }

  /** An endpoint where nothing listens: connects to it are refused. */
  static Endpoint refusing() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new Endpoint("127.0.0.1", s.getLocalPort());
    }
  }

  /**
   * An endpoint whose accept queue is full and never drained: the kernel drops further SYNs, so a
   * connect neither succeeds nor is refused until it times out. Returns the server (close it after).
   */
  static ServerSocket blackHole() throws IOException {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 4; i++) {
      SocketChannel c = SocketChannel.open();
      c.configureBlocking(false);
      c.connect(s.getLocalSocketAddress()); // fills the queue; the channels are left to the GC
    }
    return s;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      synchronized (sockets) {
        sockets.add(s);
      }
      threads.execute(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      switch (mode) {
        case CLOSE_AT_ONCE -> { }
        case HANG -> {
          while (in.read(buf) >= 0) { /* reads and never answers */ }
        }
        case ECHO, SLOW_ECHO -> {
          int n;
          while ((n = in.read(buf)) >= 0) {
            if (mode == Mode.SLOW_ECHO) Thread.sleep(100); // the behaviour under test: a slow server
            out.write(buf, 0, n);
          }
          s.shutdownOutput(); // half-close answered with half-close: everything read was echoed
        }
        case HTTP -> {
          StringBuilder head = new StringBuilder();
          int c;
          while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) break;
          }
          String body = "status " + httpStatus;
          out.write(("HTTP/1.1 " + httpStatus + " X\r\nContent-Length: " + body.length()
              + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the peer went away: nothing to do for a test server
    }
  }

  @Override public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
    threads.shutdownNow();
  }
}
