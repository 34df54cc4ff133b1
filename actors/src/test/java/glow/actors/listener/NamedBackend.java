package glow.actors.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server on 127.0.0.1 (port 0) that greets every connection with its name on one line,
 * then echoes lines; counts the connections it accepted. One per backend a test needs.
 */
public final class NamedBackend implements AutoCloseable {
  public final String name;
  public final AtomicInteger accepted;
  private final LoopbackServer server;

  private NamedBackend(String name) throws IOException {
    this.name = name;
    this.server = new LoopbackServer("backend", this::serve);
    this.accepted = server.accepted;
  }

  public static NamedBackend start(String name) throws IOException {
    return new NamedBackend(name);
  }

  public int port() {
    return server.port();
  }

  /** "127.0.0.1:port", the form the registry takes. */
  public String hostPort() {
    return "127.0.0.1:" + port();
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
  }
}
