package glow.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Blocking loopback client helpers for proxy tests; stateless. */
final class Client {
  private Client() {}

  static Socket connect(InetSocketAddress proxy) throws IOException {
    Socket s = new Socket();
    s.connect(proxy, 2000);
    s.setSoTimeout(5000);
    return s;
  }

  /** Sends {@code text}, shuts output, reads everything until EOF. */
  static String roundTrip(InetSocketAddress proxy, String text) throws IOException {
    try (Socket s = connect(proxy)) {
      s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
