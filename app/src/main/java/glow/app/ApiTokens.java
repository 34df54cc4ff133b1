package glow.app;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Makes API tokens for {@code glow dev}; one static utility. */
final class ApiTokens {
  private ApiTokens() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** 128 random bits as 32 hex digits. */
  static String generate() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
