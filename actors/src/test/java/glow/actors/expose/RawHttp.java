package glow.actors.expose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a plain socket (or a given one, e.g. TLS) with any Host header, which
 * java.net.http does not allow; reads the answer until the server closes. A test helper, no state.
 */
final class RawHttp {
  private RawHttp() {}

  /** The status line's code and the body. */
  record Answer(int status, String body) {}

  static Answer get(int port, String host, String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return get(s, host, path);
    }
  }

  /** One request on a kept-alive connection: reads exactly the Content-Length body, leaves the socket open. */
  static Answer keepAlive(Socket s, String host, String path) throws IOException {
    s.setSoTimeout(5_000);
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new IOException("closed after " + head);
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    byte[] body = in.readNBytes(length);
    return new Answer(Integer.parseInt(head.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
  }

  static Answer get(Socket s, String host, String path) throws IOException {
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int status = Integer.parseInt(text.substring(9, 12));
    int bodyAt = text.indexOf("\r\n\r\n");
    return new Answer(status, bodyAt < 0 ? "" : text.substring(bodyAt + 4));
  }
}
