package glow.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import glow.actors.node.NodeSettings.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How one node joins by Akka Management cluster bootstrap instead of seeds, from
 * {@code glow.node.bootstrap} (none, or one per {@link NodeSettings}). The node's management API
 * (glow.api.GlowApi) serves {@code /bootstrap/seed-nodes} and starts the bootstrap once it is
 * bound; until then the node does not join anything.
 *
 * @param contactPoints the API addresses of the nodes, for {@code discovery-method = config}
 */
public record BootstrapSettings(String serviceName, String discoveryMethod, List<HostPort> contactPoints,
    int requiredContactPoints) {

  static final String PATH = "glow.node.bootstrap";
  private static final String PREFIX = PATH + ".";
  private static final Set<String> KEYS = Set.of("service-name", "discovery-method", "contact-points",
      "required-contact-points");
  private static final Set<String> METHODS = Set.of("config", "akka-dns");
  // a DNS name (akka-dns looks it up) that is also a plain HOCON key
  private static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
  private static final String BOOTSTRAP = "akka.management.cluster.bootstrap.";

  /**
   * The Akka settings that turn the bootstrap on: its route on the management API, the contact
   * point this node is ({@code host} and the API's port, as the others find it), and discovery.
   */
  Config akkaConfig(String host, int apiPort) {
    List<Map<String, Object>> endpoints = contactPoints.stream()
        .<Map<String, Object>>map(p -> Map.of("host", p.host(), "port", p.port())).toList();
    Config c = ConfigFactory.empty()
        .withValue("akka.management.http.routes.cluster-bootstrap",
            ConfigValueFactory.fromAnyRef("akka.management.cluster.bootstrap.ClusterBootstrap$"))
        // the self contact point: compared with what discovery returns to pick the node that forms the cluster
        .withValue("akka.management.http.hostname", ConfigValueFactory.fromAnyRef(host))
        .withValue("akka.management.http.port", ConfigValueFactory.fromAnyRef(apiPort))
        .withValue(BOOTSTRAP + "contact-point-discovery.service-name", ConfigValueFactory.fromAnyRef(serviceName))
        .withValue(BOOTSTRAP + "contact-point-discovery.discovery-method", ConfigValueFactory.fromAnyRef(discoveryMethod))
        .withValue(BOOTSTRAP + "contact-point-discovery.required-contact-point-nr",
            ConfigValueFactory.fromAnyRef(requiredContactPoints))
        // A/AAAA records carry no port: every node's API is on this node's API port
        .withValue(BOOTSTRAP + "contact-point.fallback-port", ConfigValueFactory.fromAnyRef(apiPort))
        // contact points listed with their own ports (config, SRV) are all probed, whatever their port
        .withValue(BOOTSTRAP + "contact-point.filter-on-fallback-port", ConfigValueFactory.fromAnyRef(false));
    if (discoveryMethod.equals("config")) {
      c = c.withValue(ConfigUtil.joinPath("akka", "discovery", "config", "services", serviceName, "endpoints"),
          ConfigValueFactory.fromIterable(endpoints));
    }
    return c;
  }

  /**
   * Reads {@code glow.node.bootstrap}; adds one line to {@code problems} per problem, each naming
   * its key.
   *
   * @param seeds glow.node.seeds: bootstrap and seeds exclude each other
   * @param host glow.node.host; api glow.node.api (either null when invalid itself)
   * @return empty when bootstrap is off or a problem was found
   */
  static Optional<BootstrapSettings> read(Config c, List<HostPort> seeds, String host, HostPort api,
      List<String> problems) {
    if (!c.hasPath(PATH)) return Optional.empty();
    int before = problems.size();
    try {
      for (String key : new TreeSet<>(c.getConfig(PATH).root().keySet())) {
        if (!KEYS.contains(key)) bad(c, problems, key, "unknown setting (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
      String service = c.getString(PREFIX + "service-name").trim();
      List<String> pointTexts = c.getStringList(PREFIX + "contact-points");
      if (service.isEmpty()) {
        if (!pointTexts.isEmpty()) {
          bad(c, problems, "contact-points", "set, but service-name is empty, so bootstrap is off (set service-name, e.g. glow)");
        }
        return Optional.empty();
      }
      if (!SERVICE.matcher(service).matches()) {
        bad(c, problems, "service-name", "\"" + service + "\" is not a DNS name (lower-case letters, digits, '.', '-')");
      }
      if (!seeds.isEmpty()) {
        bad(c, problems, "service-name", "set together with glow.node.seeds: a node joins by seeds or by bootstrap, not both");
      }
      String method = c.getString(PREFIX + "discovery-method").trim();
      if (!METHODS.contains(method)) {
        bad(c, problems, "discovery-method", "\"" + method + "\" is not one of config, akka-dns");
      }
      List<HostPort> points = new ArrayList<>();
      for (int i = 0; i < pointTexts.size(); i++) {
        HostPort p = NodeSettings.parseHostPort(pointTexts.get(i), false);
        if (p == null) {
          bad(c, problems, "contact-points", "contact-points[" + i + "] \"" + pointTexts.get(i)
              + "\" is not host:port (the API address of a node, e.g. 10.0.0.12:7700)");
        } else {
          points.add(p);
        }
      }
      int required = c.getInt(PREFIX + "required-contact-points");
      if (required < 1) bad(c, problems, "required-contact-points", required + " must be at least 1");
      if (method.equals("config")) {
        if (pointTexts.isEmpty()) {
          bad(c, problems, "contact-points", "empty: with discovery-method = config, list every node's API address");
        } else if (required > pointTexts.size()) {
          bad(c, problems, "required-contact-points", required + " is more than the " + pointTexts.size()
              + " contact-points: a new cluster would never form");
        }
      }
      if (api != null && api.port() == 0) {
        problems.add(NodeSettings.origin(c, "glow.node.api") + "glow.node.api: port 0 with bootstrap: other nodes find "
            + "this one's API on a fixed port (e.g. 7700)");
      }
      if (api != null && host != null && loopback(api.host()) && !loopback(host)) {
        problems.add(NodeSettings.origin(c, "glow.node.api") + "glow.node.api: " + api + " is loopback only, but bootstrap "
            + "needs other nodes to reach it on " + host + ":" + api.port() + " (set it to " + host + ":" + api.port()
            + " or 0.0.0.0:" + api.port() + ")");
      }
      if (problems.size() > before) return Optional.empty();
      return Optional.of(new BootstrapSettings(service, method, List.copyOf(points), required));
    } catch (ConfigException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean loopback(String host) {
    return host.startsWith("127.") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]");
  }

  private static void bad(Config c, List<String> problems, String key, String what) {
    problems.add(NodeSettings.origin(c, PREFIX + key) + PREFIX + key + ": " + what);
  }
}
