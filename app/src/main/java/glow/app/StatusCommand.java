package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import glow.api.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code glow status}: the cluster's nodes, the repo version and every instance, as tables; one per run. */
@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Show the nodes of the cluster, the config repository version (and its problems) and every "
        + "instance with its state, health, pid, ports, restarts and uptime.",
        "Exit 0 when the node answered, 1 when the API failed, 2 when no node answers."})
public final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ApiOptions api;

  @Option(names = "--json", description = "Print one JSON object {cluster, repo, instances} instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      ApiClient client = new ApiClient(api);
      JsonNode cluster = client.get("/api/cluster");
      JsonNode repo = client.get("/api/repo");
      JsonNode instances = client.get("/api/instances");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode all = Json.MAPPER.createObjectNode();
        all.set("cluster", cluster);
        all.set("repo", repo);
        all.set("instances", instances);
        out.println(all.toPrettyString());
        return;
      }
      List<List<String>> nodes = new ArrayList<>();
      nodes.add(List.of("NODE", "STATUS", "ADDRESS", "ROLE"));
      for (JsonNode n : cluster.path("nodes")) {
        List<String> role = new ArrayList<>();
        if (n.path("leader").asBoolean()) role.add("leader");
        if (n.path("repoSync").asBoolean()) role.add("repo sync");
        if (!n.path("reachable").asBoolean(true)) role.add("UNREACHABLE");
        nodes.add(List.of(n.path("name").asText(), n.path("status").asText(), n.path("address").asText(), String.join(", ", role)));
      }
      table(out, nodes);
      out.println();
      out.println("repo " + repo.path("version").asText() + (repo.path("valid").asBoolean() ? " (valid)"
          : " (" + repo.path("problems").size() + " problems: the last good version of each file is in force)"));
      for (JsonNode p : repo.path("problems")) {
        out.println("  " + p.path("file").asText() + (p.path("line").asInt() > 0 ? ":" + p.path("line").asInt() + ":" + p.path("column").asInt() : "")
            + ": " + (p.hasNonNull("path") && !p.path("path").asText().isEmpty() ? p.path("path").asText() + ": " : "") + p.path("message").asText());
      }
      out.println();
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("INSTANCE", "VERSION", "NODE", "STATE", "HEALTH", "PID", "PORTS", "RESTARTS", "UP", "DETAIL"));
      for (JsonNode i : instances.path("instances")) {
        rows.add(List.of(i.path("key").asText(), i.path("version").asText(), i.path("node").asText(), i.path("state").asText(),
            i.path("healthy").asBoolean() ? "healthy" : "-", i.hasNonNull("pid") ? i.path("pid").asText() : "-",
            ports(i.path("ports")), i.path("restarts").asText(), i.has("uptimeSeconds") ? uptime(i.path("uptimeSeconds").asLong()) : "-",
            i.path("detail").asText("")));
      }
      if (rows.size() == 1) out.println("no instances (the repo deploys nothing)");
      else table(out, rows);
      if (!instances.path("unanswered").isEmpty()) {
        out.println();
        out.println("no answer from node(s) " + instances.path("unanswered") + ": their instances show as unknown");
      }
    });
  }

  private static String ports(JsonNode ports) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
      var e = it.next();
      out.add(e.getKey() + ":" + e.getValue().asText());
    }
    return out.isEmpty() ? "-" : String.join(",", out);
  }

  static String uptime(long s) {
    if (s >= 86400) return s / 86400 + "d" + (s % 86400) / 3600 + "h";
    if (s >= 3600) return s / 3600 + "h" + (s % 3600) / 60 + "m";
    if (s >= 60) return s / 60 + "m" + s % 60 + "s";
    return s + "s";
  }

  /** Left-aligned columns two spaces apart; the last column is not padded. */
  static void table(PrintWriter out, List<List<String>> rows) {
    int cols = rows.get(0).size();
    int[] w = new int[cols];
    for (List<String> r : rows) for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], r.get(c).length());
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        line.append(c == cols - 1 ? r.get(c) : String.format("%-" + w[c] + "s  ", r.get(c)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
