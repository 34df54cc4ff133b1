package glow.conf.spec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a port of an app or external as written in the repo ({@code billing:8080} or
 * {@code billing:http}), one per require, fallback and expose target; resolved against the
 * provider's {@code provides} by the validator.
 *
 * @param port a port number or a port name, as written
 */
public record ServiceRef(String service, String port) {
  static final Pattern SYNTAX = Pattern.compile("([a-z0-9][a-z0-9-]*):([a-z0-9][a-z0-9-]*)");

  /** Parses {@code name:port}; null when the text has another shape. */
  public static ServiceRef parse(String s) {
    Matcher m = SYNTAX.matcher(s.trim());
    return m.matches() ? new ServiceRef(m.group(1), m.group(2)) : null;
  }

  @Override
  public String toString() {
    return service + ":" + port;
  }
}
