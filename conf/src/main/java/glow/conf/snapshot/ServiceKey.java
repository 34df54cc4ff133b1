package glow.conf.snapshot;

/**
 * The registry name of one provided port of an app or external, {@code billing:8080}, with the
 * port as declared in the provider's {@code provides} (instance port offsets are not part of it).
 */
public record ServiceKey(String service, int port) implements Comparable<ServiceKey> {

  /** Parses {@code name:port}; throws IllegalArgumentException on another shape. JSON form too. */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static ServiceKey parse(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || !s.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("not a service key (name:port): " + s);
    }
    return new ServiceKey(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
  }

  @Override
  public int compareTo(ServiceKey o) {
    int c = service.compareTo(o.service);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  @Override
  @com.fasterxml.jackson.annotation.JsonValue
  public String toString() {
    return service + ":" + port;
  }
}
