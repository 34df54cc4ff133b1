package glow.actors.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real TCP server on 127.0.0.1 (port 0) that expects a PROXY protocol v1 line as the first bytes
 * of every connection, answers {@code from CLIENT-IP:CLIENT-PORT to LISTENER-IP:LISTENER-PORT} (or
 * {@code bad header: ...} and closes), then echoes lines. One per backend a test needs.
 */
final class ProxyV1Backend implements AutoCloseable {
  /** HAProxy's v1 grammar for TCP4: the addresses and ports are checked, not only split. */
  private static final Pattern V1 = Pattern.compile(
      "PROXY TCP4 (\\d{1,3}(?:\\.\\d{1,3}){3}) (\\d{1,3}(?:\\.\\d{1,3}){3}) (\\d{1,5}) (\\d{1,5})");
  private final LoopbackServer server;

  ProxyV1Backend() throws IOException {
    server = new LoopbackServer("proxy-v1-backend", this::serve);
  }

  String hostPort() {
    return "127.0.0.1:" + server.port();
  }

  private void serve(Socket s) {
    try (s) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String header = readCrlfLine(in);
      Matcher m = header == null ? null : V1.matcher(header);
      if (m == null || !m.matches()) {
        out.write(("bad header: " + header + "\n").getBytes(StandardCharsets.US_ASCII));
        return;
      }
      out.write(("from " + m.group(1) + ":" + m.group(3) + " to " + m.group(2) + ":" + m.group(4) + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** The v1 header ends in CRLF exactly; a bare LF is a bad header. At most 107 bytes (the spec's limit). */
  private static String readCrlfLine(BufferedReader in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != -1 && b.length() <= 107; c = in.read()) {
      if (c == '\r') {
        return in.read() == '\n' ? b.toString() : null;
      }
      b.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
