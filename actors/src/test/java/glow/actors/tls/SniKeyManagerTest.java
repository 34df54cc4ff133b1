package glow.actors.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.expose.TestCerts;
import glow.conf.spec.TlsSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Choosing and reloading certificates from real PEM files made by openssl. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SniKeyManagerTest {
  @TempDir
  Path dir;

  @Test
  void choosesBySniNameAndKeepsTheLastGoodPairWhenAFileTurnsBad() throws Exception {
    TestCerts certs = new TestCerts(dir);
    Path[] a = certs.issue("a", "a.test", "v1");
    Path[] b = certs.issue("b", "b.test", "v1");
    List<String> warnings = new ArrayList<>();
    SniKeyManager keys = new SniKeyManager(warnings::add);
    assertTrue(keys.set(List.of(new TlsSpec(a[0].toString(), a[1].toString()), new TlsSpec(b[0].toString(), b[1].toString())),
        List.of(List.of("www.a.test", "*.shop.test"), List.of())));
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("a.test"))[0], "from subjectAltName");
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("www.a.test"))[0], "from the expose's hosts");
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("x.shop.test"))[0], "wildcard host");
    assertEquals(TestCerts.read(b[0]), keys.getCertificateChain(keys.aliasFor("B.TEST"))[0]);
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("other.test"))[0], "unknown: the first");
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor(null))[0], "no SNI: the first");

    String before = keys.aliasFor("b.test");
    Files.writeString(b[0], "not a certificate");
    Files.setLastModifiedTime(b[0], FileTime.from(Instant.now().plusSeconds(5)));
    assertTrue(keys.reloadIfChanged());
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("a.test"))[0]);
    assertTrue(keys.getCertificateChain(keys.aliasFor("b.test"))[0].getSubjectX500Principal().getName().contains("CN=b.test"),
        "b.test keeps its last good certificate");
    assertTrue(warnings.get(0).startsWith("tls: cannot use cert " + b[0] + " and key " + b[1]), warnings.get(0));
    assertTrue(keys.getPrivateKey(before) != null, "an alias handed out before the reload still has its key");

    Path[] other = certs.issue("c", "c.test", "v1");
    Files.copy(other[1], a[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING); // a's key no longer matches a's cert
    Files.setLastModifiedTime(a[1], FileTime.from(Instant.now().plusSeconds(10)));
    keys.reloadIfChanged();
    assertEquals(2, warnings.size(), "a file that stays bad is reported once: " + warnings);
    assertTrue(warnings.get(warnings.size() - 1).contains("the key does not belong to the certificate"), warnings.toString());
    assertEquals(TestCerts.read(a[0]), keys.getCertificateChain(keys.aliasFor("a.test"))[0]);

    List<String> noneWarnings = new ArrayList<>();
    SniKeyManager none = new SniKeyManager(noneWarnings::add);
    assertFalse(none.set(List.of(new TlsSpec(dir.resolve("missing.pem").toString(), a[1].toString())), List.of(List.of())));
    assertFalse(none.reloadIfChanged());
    assertEquals(1, noneWarnings.size(), "a missing file is reported once: " + noneWarnings);
  }
}
