package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The Exposes section of {@code glow status}: one row per expose of the repo in force (name, mode,
 * public address and route, target, edge nodes, and what its listener on the answering node does or
 * why it does not); stateless.
 */
final class StatusExposes {
  private StatusExposes() {}

  static final List<String> HEADER = List.of("EXPOSE", "MODE", "LISTEN", "ROUTE", "TARGET", "NODES", "LISTENER");

  /** Prints the section from {@code GET /api/exposes}; nothing when the repo has no expose. */
  static void print(PrintWriter out, JsonNode exposes) {
    if (exposes.path("exposes").isEmpty()) return;
    String node = exposes.path("node").asText();
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode e : exposes.path("exposes")) {
      boolean http = "http".equals(e.path("mode").asText());
      String listen = e.path("listen").asText("-") + (e.path("tls").asBoolean() ? " tls" : "");
      String route;
      if (http) {
        List<String> hosts = new ArrayList<>();
        e.path("hosts").forEach(h -> hosts.add(h.asText()));
        route = (hosts.isEmpty() ? "any host" : String.join(",", hosts)) + " " + e.path("path").asText("/");
      } else {
        route = "every connection" + (e.hasNonNull("proxyProtocol") ? ", proxy-protocol " + e.path("proxyProtocol").asText() : "");
      }
      String target = e.path("target").asText("-");
      if (!e.hasNonNull("service")) target += " (nobody provides it)";
      else if (!e.path("service").asText().equals(target)) target += " (" + e.path("service").asText() + ")";
      List<String> nodes = new ArrayList<>();
      e.path("nodes").forEach(n -> nodes.add(n.asText()));
      rows.add(List.of(e.path("name").asText(), e.path("mode").asText(), listen, route, target, String.join(",", nodes),
          listener(node, nodes, e)));
    }
    out.println();
    StatusCommand.table(out, rows);
  }

  /** What the listener on the answering node does, then every edge node that is away and why. */
  private static String listener(String node, List<String> nodes, JsonNode e) {
    List<String> parts = new ArrayList<>();
    JsonNode h = e.path("here");
    if (h.isMissingNode() || h.isNull()) {
      parts.add("not an edge node here (" + node + "): ask the API of " + String.join(" or ", nodes));
    } else {
      String state = h.path("state").asText("?");
      StringBuilder s = new StringBuilder(node + ": " + state);
      if (h.hasNonNull("boundAddress")) s.append(" ").append(h.path("boundAddress").asText());
      if (h.hasNonNull("error")) s.append(": ").append(h.path("error").asText());
      if ("bind-failed".equals(state) && !h.path("error").asText().contains("retrying")) s.append(" (retried with back-off)");
      if (h.has("endpoints")) {
        int all = h.path("endpoints").size();
        int ok = 0;
        for (JsonNode x : h.path("endpoints")) if ("available".equals(x.path("state").asText())) ok++;
        s.append(", ").append(ok).append(" of ").append(all).append(" endpoints available");
        if (ok == 0) s.append(": nothing healthy to send to");
      }
      parts.add(s.toString());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("absentNodes").fields(); it.hasNext(); ) {
      parts.add(it.next().getValue().asText());
    }
    return String.join("; ", parts);
  }
}
