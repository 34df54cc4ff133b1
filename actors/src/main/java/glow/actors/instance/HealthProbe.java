package glow.actors.instance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One health check of one instance port: a TCP connect, or an HTTP/1.1 GET whose status must be
 * 2xx or 3xx; stateless, blocking (supervisors run it on the blocking dispatcher).
 *
 * <p>HTTP is spoken by hand over one socket rather than through java.net.http: the whole check
 * is then bounded by one deadline and costs no client threads per supervisor.
 */
final class HealthProbe {
  /** The status line is all we read; a longer first line is not HTTP. */
  private static final int MAX_STATUS_LINE = 1024;

  private HealthProbe() {}

  /**
   * @param httpPath null for a TCP connect check
   * @return null when healthy, else what failed ("GET http://127.0.0.1:9001/healthz: HTTP 503")
   */
  static String check(String host, int port, String httpPath, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String what = httpPath == null ? "connect to " + host + ":" + port : "GET http://" + host + ":" + port + httpPath;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      if (httpPath == null) return null;
      OutputStream out = s.getOutputStream();
      out.write(("GET " + httpPath + " HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nUser-Agent: glow-health\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = readStatusLine(s, deadline);
      String[] parts = line.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
        return what + ": not an HTTP response (\"" + line + "\")";
      }
      int status = Integer.parseInt(parts[1]);
      return status >= 200 && status < 400 ? null : what + ": HTTP " + status;
    } catch (SocketTimeoutException e) {
      return what + ": no answer within " + timeout.toMillis() + " ms";
    } catch (IOException e) {
      return what + ": " + e.getMessage();
    }
  }

  private static String readStatusLine(Socket s, long deadline) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    while (line.length() < MAX_STATUS_LINE) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) throw new SocketTimeoutException();
      s.setSoTimeout((int) left);
      int c = in.read();
      if (c < 0) {
        if (line.length() == 0) throw new IOException("connection closed before any answer");
        break;
      }
      if (c == '\n') break;
      if (c != '\r') line.append((char) c);
    }
    return line.toString();
  }
}
