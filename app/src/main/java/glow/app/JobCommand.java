package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glow job NAME}: one job's schedule, next run and history; one per run ({@code glow job run NAME} is {@link JobRunCommand}). */
@Command(name = "job", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    subcommands = {JobRunCommand.class},
    description = {"Show one job: its app, node, schedule, next run and the history of its runs "
        + "(start, end, state, exit code, duration, version, trigger, log file).",
        "Exit 0 when the node answered, 1 when the API failed (unknown job), 2 when no node answers."})
public final class JobCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // optional for picocli, so that "glow job run NAME" reaches the subcommand; call() requires it
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The job's name (its file jobs/NAME.yaml).")
  String name;

  @Mixin ApiOptions api;

  @Option(names = "--json", description = "Print the API's JSON instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (name == null) {
      spec.commandLine().getErr().println("glow job: give a job name (glow job NAME, or glow job run NAME); glow jobs lists them");
      return CommandLine.ExitCode.USAGE;
    }
    return ApiClient.run(spec, () -> {
      JsonNode j = new ApiClient(api).get("/api/jobs/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(j.toPrettyString());
        return;
      }
      out.println("job " + j.path("name").asText() + ": app " + j.path("app").asText() + " " + j.path("version").asText("")
          + " on node " + j.path("node").asText());
      out.println("schedule \"" + j.path("schedule").asText() + "\" (" + j.path("timeZone").asText() + "), overlap "
          + j.path("overlap").asText() + ", next run " + j.path("nextRun").asText("-"));
      if (j.has("history")) out.println("history " + j.path("history").asText());
      out.println();
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("RUN", "TRIGGER", "STARTED", "STATE", "EXIT", "DURATION", "VERSION", "DETAIL", "LOG"));
      for (JsonNode r : j.path("runs")) {
        rows.add(List.of("#" + r.path("id").asText(), r.path("trigger").asText(), r.path("started").asText("-"),
            r.path("state").asText(), r.path("exitCode").asText("-"),
            r.has("durationMs") ? r.path("durationMs").asLong() + " ms" : "-", r.path("version").asText("-"),
            r.path("detail").asText(""), r.path("log").asText("-")));
      }
      if (rows.size() == 1) out.println("no runs yet");
      else StatusCommand.table(out, rows);
    });
  }
}
