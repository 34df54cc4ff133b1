package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code glow jobs}: every scheduled job with its node, schedule, next run and last run; one per run. */
@Command(name = "jobs", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"List the scheduled jobs of the repo version in force: node, schedule, next run, last run.",
        "Exit 0 when the node answered, 1 when the API failed, 2 when no node answers."})
public final class JobsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ApiOptions api;

  @Option(names = "--json", description = "Print the API's JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      JsonNode jobs = new ApiClient(api).get("/api/jobs");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(jobs.toPrettyString());
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("JOB", "APP", "VERSION", "NODE", "SCHEDULE", "ZONE", "NEXT RUN", "LAST RUN", "RUNNING"));
      for (JsonNode j : jobs.path("jobs")) {
        JsonNode last = j.path("lastRun");
        rows.add(List.of(j.path("name").asText(), j.path("app").asText(), j.path("version").asText("-"),
            j.path("node").asText(), j.path("schedule").asText(), j.path("timeZone").asText(),
            j.path("nextRun").asText("-"), last.isMissingNode() || last.isNull() ? "-"
                : "#" + last.path("id").asText() + " " + last.path("state").asText() + " " + last.path("started").asText(""),
            j.path("running").isEmpty() ? "-" : j.path("running").toString()));
      }
      if (rows.size() == 1) out.println("no jobs (the repo has no jobs/*.yaml)");
      else StatusCommand.table(out, rows);
    });
  }
}
