package glow.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code glow sync}: asks the cluster's repo sync job to pull the config repo now; one per run. */
@Command(name = "sync", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Tell the repo sync job to pull and apply the config repository now (what the webhook does).",
        "Needs an API token. Exit 0 when the sync was requested, 1 when the API refused, 2 when no node answers."})
public final class SyncCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    return ApiClient.run(spec, () -> {
      var r = new ApiClient(api).post("/api/sync");
      spec.commandLine().getOut().println("sync requested (version in force: " + r.path("currentVersion").asText() + ")");
    });
  }
}
