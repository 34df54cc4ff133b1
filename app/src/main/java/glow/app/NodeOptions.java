package glow.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The node flags {@code glow node} and {@code glow dev} share (a picocli mixin); one per command
 * run. Each flag is a command-line override of one {@code glow.node} key; {@code -D} sets any HOCON
 * path. Layering: reference.conf < {@code --config FILE} < these.
 */
public final class NodeOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "HOCON node config file (keys under glow.node, akka.*).")
  Path config;

  @Option(names = "--name", paramLabel = "NAME", description = "Node name, as deployment files write it in node: (e.g. n1).")
  String name;

  @Option(names = "--host", paramLabel = "HOST", description = "Address other nodes and proxies reach this node on.")
  String host;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Akka cluster port (0 = any free port).")
  String clusterPort;

  @Option(names = "--seed", paramLabel = "HOST:PORT", split = ",",
      description = "A node to join; repeat or separate with commas. None = form a cluster alone.")
  List<String> seeds = new ArrayList<>();

  @Option(names = "--repo", paramLabel = "URL|DIR", description = "Config repository: a git URL, a local git repository or a plain directory.")
  String repo;

  @Option(names = "--branch", paramLabel = "BRANCH", description = "Branch of a git config repository.")
  String branch;

  @Option(names = "--artifacts", paramLabel = "DIR|URL", description = "Artifact repository: a directory or an http(s) base URL.")
  String artifacts;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "This node's state: artifact cache, instance dirs, logs.")
  String dataDir;

  @Option(names = "--api", paramLabel = "HOST:PORT", description = "Management API and dashboard address (default 127.0.0.1:7700; 0 = any free port).")
  String api;

  @Option(names = "--api-token", paramLabel = "TOKEN", split = ",",
      description = "Bearer token that may call the API's POST routes (sync, restart); repeat for more. Same as glow.api.tokens.")
  List<String> apiTokens = new ArrayList<>();

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "Set any config path, e.g. -D akka.loglevel=DEBUG or -D sync-interval=5s (a bare key means glow.node.KEY).")
  Map<String, String> properties = new LinkedHashMap<>();

  Optional<Path> configFile() {
    return Optional.ofNullable(config);
  }

  /** The overrides for NodeSettings.load: -D values first, then the flags, which win. */
  Map<String, String> overrides() {
    Map<String, String> o = new LinkedHashMap<>(properties);
    put(o, "name", name);
    put(o, "host", host);
    put(o, "cluster-port", clusterPort);
    if (!seeds.isEmpty()) o.put("seeds", String.join(",", seeds));
    put(o, "repo", repo);
    put(o, "branch", branch);
    put(o, "artifacts", artifacts);
    put(o, "data-dir", dataDir);
    put(o, "api", api);
    if (!apiTokens.isEmpty()) o.put("glow.api.tokens", String.join(",", apiTokens));
    return o;
  }

  private static void put(Map<String, String> o, String key, String value) {
    if (value != null) o.put(key, value);
  }
}
