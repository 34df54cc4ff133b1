package glow.api.sinks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import glow.actors.logs.NodeLogHub;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The log sinks of one node, read from {@code glow.logs.sinks} and subscribed to the node's log
 * hub; one per node. Type {@code file} is the per-instance log file every supervisor always writes
 * ({@code <data-dir>/logs/<instance>.log}, sized by {@code glow.logs.retention}); the others forward:
 * {@code stdout-json}, {@code syslog} (RFC 5424 over UDP or TCP) and {@code http} (batched JSON
 * lines). Each has its own bounded buffer: a slow or dead destination drops lines (counted in
 * /metrics), it never slows an app.
 */
public final class LogSinks implements AutoCloseable {
  /** Thrown for an unusable sinks list; the message lists every problem, one per line. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(List<String> problems) {
      super("invalid glow.logs.sinks:\n  " + String.join("\n  ", problems));
    }
  }

  private static final Set<String> TYPES = Set.of("file", "stdout-json", "syslog", "http");
  private static final Set<String> COMMON = Set.of("type", "name", "buffer-lines", "batch-lines", "flush-interval",
      "retry-min", "retry-max");
  private static final Map<String, Set<String>> KEYS = Map.of(
      "file", Set.of(),
      "stdout-json", Set.of(),
      "syslog", Set.of("host", "port", "protocol", "facility"),
      "http", Set.of("url", "headers", "timeout"));

  private final List<LogSink> sinks;
  private final List<NodeLogHub.Subscription> subscriptions = new ArrayList<>();

  private LogSinks(List<LogSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  /**
   * Validates every sink of {@code glow.logs.sinks} (all problems at once), then starts them.
   *
   * @throws Invalid naming each bad sink by index, key and what to write instead
   */
  public static LogSinks start(Config config, NodeLogHub hub) {
    List<BufferedSink> made = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<? extends ConfigObject> list;
    try {
      list = config.hasPath("glow.logs.sinks") ? config.getObjectList("glow.logs.sinks") : List.of();
    } catch (ConfigException e) {
      throw new Invalid(List.of(e.getMessage() + " (write a list of objects: sinks = [{type = file}, {type = syslog, host = ...}])"));
    }
    for (int i = 0; i < list.size(); i++) {
      BufferedSink s = parse(i, list.get(i).toConfig(), problems);
      if (s != null) made.add(s);
    }
    if (!problems.isEmpty()) throw new Invalid(problems);
    LogSinks sinks = new LogSinks(new ArrayList<>(made));
    for (BufferedSink s : made) {
      s.start();
      sinks.subscriptions.add(hub.subscribe(l -> true, s::accept));
    }
    return sinks;
  }

  private static BufferedSink parse(int i, Config c, List<String> problems) {
    String at = "glow.logs.sinks[" + i + "]";
    if (!c.hasPath("type")) {
      problems.add(at + ": missing type (one of " + new TreeSet<>(TYPES) + ")");
      return null;
    }
    String type = c.getString("type");
    if (!TYPES.contains(type)) {
      problems.add(at + ".type: unknown sink type \"" + type + "\" (one of " + new TreeSet<>(TYPES) + ")");
      return null;
    }
    int before = problems.size();
    for (String key : c.root().keySet()) {
      if (!COMMON.contains(key) && !KEYS.get(type).contains(key)) {
        Set<String> known = new TreeSet<>(COMMON);
        known.addAll(KEYS.get(type));
        problems.add(at + "." + key + ": unknown key for a " + type + " sink (known: " + String.join(", ", known) + ")");
      }
    }
    if (type.equals("file")) return null; // always on: the supervisors write it
    String name = c.hasPath("name") ? c.getString("name") : type + "-" + i;
    try {
      BufferedSink.Tuning tuning = new BufferedSink.Tuning(positive(c, "buffer-lines", 10_000, at, problems),
          positive(c, "batch-lines", 500, at, problems), duration(c, "flush-interval", Duration.ofSeconds(1)),
          duration(c, "retry-min", Duration.ofMillis(500)), duration(c, "retry-max", Duration.ofSeconds(30)));
      BufferedSink sink = switch (type) {
        case "stdout-json" -> new StdoutJsonSink(name, tuning, System.out);
        case "syslog" -> syslog(name, tuning, c, at, problems);
        default -> http(name, tuning, c, at, problems);
      };
      return problems.size() == before ? sink : null;
    } catch (ConfigException e) {
      problems.add(at + ": " + e.getMessage());
      return null;
    }
  }

  private static BufferedSink syslog(String name, BufferedSink.Tuning tuning, Config c, String at, List<String> problems) {
    if (!c.hasPath("host")) problems.add(at + ".host: missing (the syslog server, e.g. 127.0.0.1)");
    int port = c.hasPath("port") ? c.getInt("port") : 514;
    if (port < 1 || port > 65535) problems.add(at + ".port: " + port + " is not a port (1-65535)");
    String protocol = c.hasPath("protocol") ? c.getString("protocol") : "udp";
    if (!protocol.equals("udp") && !protocol.equals("tcp")) problems.add(at + ".protocol: \"" + protocol + "\" (udp or tcp)");
    int facility = c.hasPath("facility") ? c.getInt("facility") : 1;
    if (facility < 0 || facility > 23) problems.add(at + ".facility: " + facility + " (0-23; 1 = user, 16-23 = local0-local7)");
    if (!c.hasPath("host")) return null;
    return new SyslogSink(name, tuning, new InetSocketAddress(c.getString("host"), port),
        protocol.equals("tcp") ? SyslogSink.Transport.TCP : SyslogSink.Transport.UDP, facility);
  }

  private static BufferedSink http(String name, BufferedSink.Tuning tuning, Config c, String at, List<String> problems) {
    if (!c.hasPath("url")) {
      problems.add(at + ".url: missing (where to POST the lines, e.g. http://127.0.0.1:9880/glow)");
      return null;
    }
    URI url;
    try {
      url = URI.create(c.getString("url"));
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) throw new IllegalArgumentException("not http(s)");
    } catch (IllegalArgumentException e) {
      problems.add(at + ".url: \"" + c.getString("url") + "\" is not an http(s) URL");
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (c.hasPath("headers")) {
      for (Map.Entry<String, ConfigValue> h : c.getObject("headers").entrySet()) headers.put(h.getKey(), String.valueOf(h.getValue().unwrapped()));
    }
    return new HttpSink(name, tuning, url, headers, duration(c, "timeout", Duration.ofSeconds(5)));
  }

  private static int positive(Config c, String key, int dflt, String at, List<String> problems) {
    int v = c.hasPath(key) ? c.getInt(key) : dflt;
    if (v <= 0) problems.add(at + "." + key + ": " + v + " must be positive");
    return Math.max(v, 1);
  }

  private static Duration duration(Config c, String key, Duration dflt) {
    return c.hasPath(key) ? c.getDuration(key) : dflt;
  }

  public List<LogSink> sinks() {
    return sinks;
  }

  /** Lines lost by sink name: buffer overflows plus what the hub dropped for the sink. */
  public Map<String, Long> dropped() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < sinks.size(); i++) out.put(sinks.get(i).name(), sinks.get(i).dropped() + subscriptions.get(i).dropped());
    return out;
  }

  /** Stops forwarding; each sink gets a short grace to deliver what it holds. */
  @Override
  public void close() {
    subscriptions.forEach(NodeLogHub.Subscription::close);
    sinks.forEach(LogSink::close);
  }
}
