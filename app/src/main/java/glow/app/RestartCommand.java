package glow.app;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code glow restart INSTANCE}: restarts one instance wherever it runs; one per run. */
@Command(name = "restart", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Restart one instance (stop its process, start it again) on the node it runs on.",
        "Needs an API token. Exit 0 when the restart began, 1 when the API refused (unknown instance, pending), "
            + "2 when no node answers."})
public final class RestartCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INSTANCE", description = "Instance key (greeter#1) or id (greeter:1.0.0#1).")
  String instance;

  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      var r = new ApiClient(api).post("/api/instances/" + URLEncoder.encode(instance, StandardCharsets.UTF_8) + "/restart");
      spec.commandLine().getOut().println("restarting " + r.path("restarting").asText() + " on node " + r.path("node").asText());
    });
  }
}
