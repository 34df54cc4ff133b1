package glow.api.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import glow.api.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The bearer-token rule of every state-changing route; one per API. No token configured: refused
 * (403) with a hint on how to set one. Missing header: 401. Wrong token: 403.
 */
public final class Auth {
  private final List<byte[]> tokens;

  public Auth(List<String> tokens) {
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Empty when the Authorization header carries a configured token, else the error response. */
  public Optional<HttpResponse> check(Optional<String> authorization) {
    if (tokens.isEmpty()) {
      return Optional.of(Json.error(StatusCodes.FORBIDDEN, "this node has no API token, so it refuses every change",
          "set glow.api.tokens = [\"...\"] in the node's config file (not in the config repo), or start the node "
              + "with --api-token TOKEN"));
    }
    if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(Json.error(StatusCodes.UNAUTHORIZED, "missing bearer token",
          "send the header 'Authorization: Bearer TOKEN' (glow CLI: --token TOKEN or GLOW_TOKEN)")
          .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "glow"))));
    }
    byte[] given = authorization.get().substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (byte[] t : tokens) ok |= MessageDigest.isEqual(t, given); // constant time, every token
    if (ok) return Optional.empty();
    return Optional.of(Json.error(StatusCodes.FORBIDDEN, "wrong API token",
        "use one of the tokens in glow.api.tokens of this node's config"));
  }
}
