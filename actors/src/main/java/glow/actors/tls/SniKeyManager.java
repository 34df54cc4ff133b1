package glow.actors.tls;

import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import glow.conf.spec.TlsSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The certificates of one TLS listener (http, or tcp mode), chosen per handshake by the SNI host
 * name; one per TLS listener. A certificate serves the host names of the exposes that name it and the DNS names in
 * its subjectAltName; a handshake without SNI or for an unknown name gets the first certificate.
 *
 * <p>{@link #reloadIfChanged()} rereads a cert/key pair whose files' modification times changed;
 * new handshakes use the new certificate, connections already open keep theirs. A pair that cannot
 * be read keeps its last good version (and {@code warn} says why): a bad file never stops what runs.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
  /** One loaded pair; its alias is {@code GENERATION-INDEX} (see {@link #aliases}). */
  private record Loaded(TlsSpec spec, FileTime certTime, FileTime keyTime, PrivateKey key, X509Certificate[] chain,
                        List<String> names) {}

  private final Consumer<String> warn;
  private volatile List<Loaded> loaded = List.of();
  private volatile Map<String, Integer> byName = Map.of();
  /**
   * Alias to pair for this load and the one before: the JDK asks for the chain and the key in
   * separate calls, so an alias handed out just before a reload must still give a matching pair.
   */
  private volatile Map<String, Loaded> aliases = Map.of();
  private int generation;
  private List<TlsSpec> specs = List.of();
  /** Pairs that failed to load, with the file times they had: tried (and warned about) again only once these change. */
  private final Map<TlsSpec, List<FileTime>> failed = new HashMap<>();
  private List<List<String>> hosts = List.of();

  public SniKeyManager(Consumer<String> warn) {
    this.warn = warn;
  }

  /** Sets the pairs (and per pair the expose host names) and loads what changed; true when at least one is usable. */
  public synchronized boolean set(List<TlsSpec> certs, List<List<String>> hostNames) {
    specs = List.copyOf(certs);
    hosts = List.copyOf(hostNames);
    return reloadIfChanged();
  }

  /** Rereads the pairs whose files changed since they were loaded; true when at least one is usable. */
  public synchronized boolean reloadIfChanged() {
    Map<TlsSpec, Loaded> before = new HashMap<>();
    for (Loaded l : loaded) before.put(l.spec(), l);
    List<Loaded> next = new ArrayList<>();
    boolean changed = specs.size() != loaded.size();
    for (int i = 0; i < specs.size(); i++) {
      TlsSpec t = specs.get(i);
      Loaded old = before.get(t);
      try {
        FileTime ct = Files.getLastModifiedTime(Path.of(t.cert()));
        FileTime kt = Files.getLastModifiedTime(Path.of(t.key()));
        if (old != null && old.certTime().equals(ct) && old.keyTime().equals(kt)) {
          next.add(withNames(old, hosts.get(i)));
          continue;
        }
        if (List.of(ct, kt).equals(failed.get(t))) { // still the files that failed: warned already
          if (old != null) next.add(withNames(old, hosts.get(i)));
          continue;
        }
        try {
          next.add(load(t, ct, kt, hosts.get(i)));
          failed.remove(t);
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
          failed.put(t, List.of(ct, kt));
          throw e;
        }
        changed = true;
      } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
        // a missing file is reported once, until it appears (empty times mark it)
        boolean told = e instanceof java.nio.file.NoSuchFileException && List.of().equals(failed.put(t, List.of()));
        if (!told) warn.accept("tls: cannot use cert " + t.cert() + " and key " + t.key() + " (" + e.getMessage()
            + "); " + (old == null ? "not used (its hosts get the listener's first usable certificate)" : "keeping the previous one")
            + " until both files are a PEM certificate chain and its PEM private key");
        if (old != null) next.add(withNames(old, hosts.get(i)));
      }
    }
    if (changed || !next.equals(loaded)) {
      Map<String, Integer> names = new LinkedHashMap<>();
      for (int i = 0; i < next.size(); i++) {
        for (String n : next.get(i).names()) names.putIfAbsent(n, i);
      }
      generation++;
      Map<String, Loaded> a = new HashMap<>();
      for (int i = 0; i < loaded.size(); i++) a.put((generation - 1) + "-" + i, loaded.get(i));
      for (int i = 0; i < next.size(); i++) a.put(generation + "-" + i, next.get(i));
      loaded = List.copyOf(next);
      byName = Map.copyOf(names);
      aliases = Map.copyOf(a);
    }
    return !loaded.isEmpty();
  }

  private static Loaded withNames(Loaded l, List<String> exposeHosts) {
    return new Loaded(l.spec(), l.certTime(), l.keyTime(), l.key(), l.chain(), names(exposeHosts, l.chain()[0]));
  }

  private static Loaded load(TlsSpec t, FileTime ct, FileTime kt, List<String> exposeHosts)
      throws IOException, java.security.GeneralSecurityException {
    X509Certificate[] chain;
    try (InputStream in = Files.newInputStream(Path.of(t.cert()))) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }
    if (chain.length == 0) throw new IOException("no PEM certificate in " + t.cert());
    PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(Path.of(t.key()), StandardCharsets.US_ASCII)));
    matches(key, chain[0]); // caught mid-way through replacing the two files: keep the old pair until both are new
    return new Loaded(t, ct, kt, key, chain, names(exposeHosts, chain[0]));
  }

  /** Signs a few bytes with the key and checks them with the certificate's public key. */
  private static void matches(PrivateKey key, X509Certificate cert) throws java.security.GeneralSecurityException {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
        : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
    if (algorithm == null) return; // other key types: the handshake will tell
    byte[] probe = "glow".getBytes(StandardCharsets.US_ASCII);
    java.security.Signature sign = java.security.Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(probe);
    byte[] signature = sign.sign();
    java.security.Signature verify = java.security.Signature.getInstance(algorithm);
    verify.initVerify(cert.getPublicKey());
    verify.update(probe);
    if (!verify.verify(signature)) throw new java.security.GeneralSecurityException("the key does not belong to the certificate");
  }

  private static List<String> names(List<String> exposeHosts, X509Certificate cert) {
    List<String> names = new ArrayList<>(exposeHosts);
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
        }
      }
    } catch (CertificateParsingException e) {
      // no usable subjectAltName: the expose's hosts still name it
    }
    return List.copyOf(names);
  }

  /** The alias for an SNI host name: exact name, then a {@code *.} wildcard, then the first pair. */
  synchronized String aliasFor(String sni) {
    if (loaded.isEmpty()) return null;
    int i = 0;
    if (sni != null) {
      String h = sni.toLowerCase(Locale.ROOT);
      Integer found = byName.get(h);
      int dot = h.indexOf('.');
      if (found == null && dot > 0) found = byName.get("*" + h.substring(dot));
      if (found != null) i = found;
    }
    return generation + "-" + i;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    String sni = null;
    SSLSession s = engine == null ? null : engine.getHandshakeSession();
    if (s instanceof ExtendedSSLSession e) {
      for (SNIServerName n : e.getRequestedServerNames()) {
        if (n instanceof SNIHostName h) sni = h.getAsciiName();
      }
    }
    String alias = aliasFor(sni);
    if (alias == null) return null;
    // the JDK asks once per key type it could use: answer only for the pair's own type (RSA, EC)
    String algorithm = aliases.get(alias).key().getAlgorithm();
    boolean fits = keyType.equals(algorithm) || (keyType.equals("RSASSA-PSS") && algorithm.equals("RSA"))
        || (keyType.startsWith("EC") && algorithm.equals("EC"));
    return fits ? alias : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return chooseEngineServerAlias(keyType, issuers, null);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Loaded l = get(alias);
    return l == null ? null : l.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Loaded l = get(alias);
    return l == null ? null : l.key();
  }

  private Loaded get(String alias) {
    return alias == null ? null : aliases.get(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases.keySet().toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // server side only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
