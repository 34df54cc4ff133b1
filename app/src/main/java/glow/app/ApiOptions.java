package glow.app;

import picocli.CommandLine.Option;

/** The flags every command that talks to a node's API shares (a picocli mixin); one per command run. */
public final class ApiOptions {
  @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:7700",
      description = "Base URL of a node's API (default ${DEFAULT-VALUE}).")
  String api;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "API token for commands that change something; default: the GLOW_TOKEN environment variable.")
  String token;

  String token() {
    if (token != null && !token.isBlank()) return token;
    String env = System.getenv("GLOW_TOKEN");
    return env == null || env.isBlank() ? null : env;
  }
}
