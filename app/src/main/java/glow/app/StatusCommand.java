package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import glow.api.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glow status}: the cluster's nodes, the repo version, every instance, the rollouts going or
 * stopped and the exposes, as tables; one per run.
 */
@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Show the nodes of the cluster, the config repository version (and its problems), every "
        + "instance with its state, health, pid, ports, restarts and uptime, the rollouts that are going or "
        + "stopped (from and to which version, how far, why stopped and what to do) and the exposes (mode, public "
        + "address, target, and what their listener on this node does).",
        "Exit 0 when the node answered, 1 when the API failed (what it did answer is still printed), "
        + "2 when no node answers."})
public final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ApiOptions api;

  /** The header rows of the tables it prints (docs show them; DocExamplesTest compares). */
  static final List<String> NODES = List.of("NODE", "STATUS", "ADDRESS", "ROLE");
  static final List<String> INSTANCES = List.of("INSTANCE", "VERSION", "NODE", "STATE", "HEALTH", "PID", "PORTS", "RESTARTS", "UP", "DETAIL");

  @Option(names = "--json", description = "Print one JSON object {cluster, repo, instances, rollouts, exposes} "
      + "(the API's answers) instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      ApiClient client = new ApiClient(api);
      JsonNode cluster = client.get("/api/cluster");
      JsonNode repo = client.get("/api/repo");
      JsonNode instances = client.get("/api/instances");
      // a part that fails (e.g. the rollout coordinator is moving to another node) does not hide the rest
      List<String> failed = new ArrayList<>();
      JsonNode rollouts = optional(client, "/api/rollouts", failed);
      JsonNode exposes = optional(client, "/api/exposes", failed);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode all = Json.MAPPER.createObjectNode();
        all.set("cluster", cluster);
        all.set("repo", repo);
        all.set("instances", instances);
        all.set("rollouts", rollouts);
        all.set("exposes", exposes);
        out.println(all.toPrettyString());
      } else {
        tables(out, client, cluster, repo, instances, rollouts, exposes, failed);
      }
      if (!failed.isEmpty()) throw new ApiClient.Failed(CommandLine.ExitCode.SOFTWARE, String.join("\n", failed));
    });
  }

  /** The answer to {@code path}, or JSON null when the API answered with an error (noted in failed). */
  private static JsonNode optional(ApiClient client, String path, List<String> failed) throws ApiClient.Failed {
    try {
      return client.get(path);
    } catch (ApiClient.Failed f) {
      if (f.exitCode != CommandLine.ExitCode.SOFTWARE) throw f; // the node is gone: nothing more to show
      failed.add(f.getMessage().replaceFirst("^glow: ", "glow: " + path + ": "));
      return NullNode.getInstance();
    }
  }

  private void tables(PrintWriter out, ApiClient client, JsonNode cluster, JsonNode repo, JsonNode instances,
      JsonNode rollouts, JsonNode exposes, List<String> failed) throws ApiClient.Failed {
    List<List<String>> nodes = new ArrayList<>();
    nodes.add(NODES);
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
    rows.add(INSTANCES);
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
    Map<String, String> versions = new HashMap<>(); // an app's version in the repo is the target of its rollout
    if (!StatusRollouts.apps(rollouts, instances).isEmpty()) {
      for (JsonNode a : optional(client, "/api/apps", failed).path("apps")) versions.put(a.path("name").asText(), a.path("version").asText());
    }
    StatusRollouts.print(out, rollouts, instances, versions::get);
    StatusExposes.print(out, exposes);
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
