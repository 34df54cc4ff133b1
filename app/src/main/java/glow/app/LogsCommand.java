package glow.app;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glow logs APP|INSTANCE [-f]}: the log lines of an app or instance from every node, merged by time; one per run. */
@Command(name = "logs", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Print the lines an app's instances (or one instance) wrote, from every node, oldest first: "
        + "time, instance, text (stderr lines are marked !).",
        "With -f, keep following new lines until Ctrl-C. Exit 0, 1 when the API refused, 2 when no node answers."})
public final class LogsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "APP|INSTANCE", description = "An app name (greeter) or an instance key (greeter#1).")
  String target;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they come.")
  boolean follow;

  @Option(names = "--since", paramLabel = "WHEN", description = "Only lines since then: 10m, 30s, 2h, 1d or an instant (2026-11-22T01:00:00Z).")
  String since;

  @Option(names = "--node", paramLabel = "NODE", description = "Only lines from instances on this node.")
  String node;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "200",
      description = "How many of the latest lines to print first (default ${DEFAULT-VALUE}, at most 10000).")
  int lines;

  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    StringBuilder q = new StringBuilder("/api/logs?");
    q.append(target.contains("#") ? "instance=" : "app=").append(enc(target));
    if (since != null) q.append("&since=").append(enc(since));
    if (node != null) q.append("&node=").append(enc(node));
    q.append("&limit=").append(lines);
    if (follow) q.append("&follow=true");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return ApiClient.run(spec, () -> new ApiClient(api).lines(q.toString(), l -> {
      if (l.has("warning")) {
        err.println("glow: " + l.path("warning").asText());
        err.flush();
        return;
      }
      out.println(l.path("timestamp").asText() + " " + l.path("instance").asText()
          + (l.path("stream").asText().equals("stderr") ? " ! " : " | ") + l.path("text").asText());
      out.flush(); // a follower wants each line as it comes
    }));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
