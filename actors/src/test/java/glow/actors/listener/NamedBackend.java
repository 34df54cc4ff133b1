package glow.actors.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server on 127.0.0.1 (port 0) that greets every connection with its name on one line,
 * then echoes lines; counts the connections it accepted. One per backend a test needs.
 */
public final class NamedBackend implements AutoCloseable {
  public final String name;
  public final AtomicInteger accepted = new AtomicInteger();
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "backend");
    t.setDaemon(true);
    return t;
  });

  private NamedBackend(String name) throws IOException {
    this.name = name;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    threads.execute(this::acceptLoop);
  }

  public static NamedBackend start(String name) throws IOException {
    return new NamedBackend(name);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** "127.0.0.1:port", the form the registry takes. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        sockets.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
    threads.shutdownNow();
  }
}
