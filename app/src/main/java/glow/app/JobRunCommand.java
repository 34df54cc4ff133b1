package glow.app;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code glow job run NAME}: starts one run of a job now, on its node; one per run. */
@Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Run a job now, on the node its file names (trigger \"manual\" in its history).",
        "Needs an API token. Exit 0 when the run began, 1 when the API refused (unknown job, node absent, "
            + "a run still going and overlap: forbid), 2 when no node answers."})
public final class JobRunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The job's name (its file jobs/NAME.yaml).")
  String name;

  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      var r = new ApiClient(api).post("/api/jobs/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/run");
      spec.commandLine().getOut().println("job " + r.path("job").asText() + ": run #" + r.path("run").asText()
          + " started on node " + r.path("node").asText());
    });
  }
}
