package glow.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a node's management API as JSON (and posts the sync webhook); one per test class. */
final class ClusterApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String token;

  ClusterApi(String token) {
    this.token = token;
  }

  /** GET a JSON route; anything but 200 is an IOException that carries the body. */
  JsonNode get(NodeJvm node, String path) throws IOException, InterruptedException {
    // 8 s: a fan-out route waits up to the API's ask-timeout (3 s) for a node that does not answer.
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.api() + path)).timeout(Duration.ofSeconds(8)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET " + node.api() + path + ": " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  /** POST /api/sync with the token: the webhook that makes the repo sync singleton read the repo now. */
  int sync(NodeJvm node) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(node.api() + "/api/sync")).timeout(Duration.ofSeconds(8))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** The instance with {@code key} (e.g. {@code hello#3}) in a {@code /api/instances} answer, or null. */
  static JsonNode instance(JsonNode instances, String key) {
    for (JsonNode i : instances.path("instances")) {
      if (key.equals(i.path("key").asText())) return i;
    }
    return null;
  }

  /** Every {@code host:port} that a {@code /api/services} answer still attributes to {@code node}: in its listeners and its registry. */
  static List<String> endpointsOf(JsonNode services, String node) {
    List<String> found = new ArrayList<>();
    for (JsonNode l : services.path("listeners")) {
      for (JsonNode e : l.path("endpoints")) {
        if (node.equals(e.path("node").asText())) found.add("listener " + l.path("name").asText() + ": " + e.path("endpoint").asText());
      }
    }
    services.path("registry").fields().forEachRemaining(s -> {
      for (JsonNode e : s.getValue()) {
        if (node.equals(e.path("node").asText())) found.add("registry " + s.getKey() + ": " + e.path("hostPort").asText());
      }
    });
    return found;
  }
}
