package glow.actors.expose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import glow.conf.snapshot.ServiceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing rules of one http listener, as a pure function. */
class HttpRoutesTest {
  static HttpRoute route(String name, List<String> hosts, String path) {
    return new HttpRoute(name, hosts, path, ServiceKey.parse(name + ":80"));
  }

  final HttpRoutes routes = new HttpRoutes(List.of(
      route("any-root", List.of(), "/"),
      route("wild", List.of("*.example.com"), "/"),
      route("www", List.of("www.example.com"), "/"),
      route("api", List.of(), "/api"),
      route("api-v2", List.of("www.example.com"), "/api/v2")));

  private String choose(String host, String path) {
    HttpRoute r = routes.choose(host, path);
    return r == null ? null : r.expose();
  }

  @Test
  void longestPathPrefixWinsThenTheMostSpecificHost() {
    assertEquals("api-v2", choose("www.example.com", "/api/v2/items"));
    assertEquals("api", choose("other.example.com", "/api/v2/items"), "api-v2 names another host");
    assertEquals("api", choose("www.example.com", "/api"));
    assertEquals("www", choose("WWW.example.com:8443", "/apix"), "a prefix is whole path segments; host case and port ignored");
    assertEquals("wild", choose("shop.example.com", "/"));
    assertEquals("any-root", choose("example.com", "/"), "*.example.com does not cover example.com itself");
  }

  @Test
  void nothingMatchesWithoutACatchAll() {
    HttpRoutes only = new HttpRoutes(List.of(route("www", List.of("www.example.com"), "/shop")));
    assertNull(only.choose("www.example.com", "/"));
    assertNull(only.choose("other.com", "/shop"));
    assertEquals("www", only.choose("www.example.com", "/shop/cart").expose());
  }
}
