package glow.conf.spec;

import glow.conf.yaml.YMap;

/**
 * The certificate an expose listener terminates TLS with; at most one per expose.
 *
 * @param cert PEM certificate chain, an absolute path on the edge node
 * @param key  PEM private key, an absolute path on the edge node
 */
public record TlsSpec(String cert, String key) {

  static TlsSpec read(YMap expose) {
    YMap m = expose.map("tls");
    if (m == null) {
      return null;
    }
    m.only("cert", "key");
    String cert = file(m, "cert", "cert: /etc/glow/tls/site.pem");
    String key = file(m, "key", "key: /etc/glow/tls/site.key");
    return cert == null || key == null ? null : new TlsSpec(cert, key);
  }

  private static String file(YMap m, String k, String example) {
    String s = m.required(k, example);
    if (s != null && !s.startsWith("/")) {
      m.ctx().error(m.node(k), m.child(k), "\"" + s + "\" must be an absolute path on the edge node, e.g. " + example.substring(k.length() + 2));
      return null;
    }
    return s;
  }
}
