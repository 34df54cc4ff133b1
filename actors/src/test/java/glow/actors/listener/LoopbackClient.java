package glow.actors.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One client connection to a loopback listener, speaking {@link NamedBackend}'s line protocol. */
public final class LoopbackClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  /** The name of the backend this connection reached, or null if the proxy closed it at once. */
  public final String backend;

  private LoopbackClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    backend = in.readLine();
  }

  public static LoopbackClient open(int port) throws IOException {
    return new LoopbackClient(port);
  }

  /** Which backend a new connection to {@code port} reaches (null: closed without one). */
  public static String hello(int port) throws IOException {
    try (LoopbackClient c = open(port)) {
      return c.backend;
    }
  }

  /** True when nothing accepts on {@code port}. */
  public static boolean refused(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends one line and returns the echoed line (null if the connection was closed). */
  public String echo(String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return in.readLine();
  }

  /** A port that was free a moment ago on 127.0.0.1. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
