package glow.actors.listener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server on 127.0.0.1 (port 0) that hands every accepted connection to a handler on a
 * daemon thread of its own and counts them; one inside each test backend of this package.
 */
final class LoopbackServer implements AutoCloseable {
  /** Serves one connection; the socket is the handler's to close. */
  interface Handler {
    void serve(Socket s);
  }

  /** Connections accepted so far. */
  final AtomicInteger accepted = new AtomicInteger();
  private final ServerSocket server;
  private final Handler handler;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ExecutorService threads;

  LoopbackServer(String threadName, Handler handler) throws IOException {
    this.handler = handler;
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        sockets.add(s);
        threads.execute(() -> handler.serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Stops accepting and closes every connection still open. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
    threads.shutdownNow();
  }
}
