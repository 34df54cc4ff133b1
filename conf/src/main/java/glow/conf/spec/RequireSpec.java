package glow.conf.spec;

import glow.conf.yaml.YMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One service an app needs on a fixed loopback port; one per entry of {@code requires}.
 *
 * @param local          the port on 127.0.0.1 where the app connects
 * @param balance        round-robin, least-connections, random, power-of-two, hash, or a Java class name
 * @param retries        how many other endpoints a failed connect is retried on (0-10)
 * @param connectTimeout how long one connect attempt may take
 * @param fallback       used when no endpoint of {@code service} is left; null for none
 */
public record RequireSpec(ServiceRef service, int local, String balance, int retries,
                          Duration connectTimeout, ServiceRef fallback) {
  public static final String DEFAULT_BALANCE = "round-robin";
  public static final int DEFAULT_RETRIES = 1;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Set<String> BALANCES = Set.of("round-robin", "least-connections", "random", "power-of-two", "hash");
  private static final Pattern SHORT = Pattern.compile("\\s*(\\S+)\\s*->\\s*(\\S+)\\s*");
  private static final Pattern JAVA_CLASS = Pattern.compile("([a-zA-Z_$][\\w$]*\\.)+[A-Za-z_$][\\w$]*");
  private static final String SHORT_HELP = "write \"app:port -> local-port\", e.g. \"billing:8080 -> 7001\"";

  public RequireSpec {
    balance = balance == null ? DEFAULT_BALANCE : balance;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
  }

  /** The short form {@code billing:8080 -> 7001} for this require with every default. */
  public static RequireSpec of(ServiceRef service, int local) {
    return new RequireSpec(service, local, null, DEFAULT_RETRIES, null, null);
  }

  static List<RequireSpec> readAll(YMap app) {
    List<RequireSpec> out = new ArrayList<>();
    List<Node> items = app.list("requires");
    if (items == null) {
      return out;
    }
    Map<Integer, Integer> locals = new HashMap<>(); // local port -> index that claimed it
    for (int i = 0; i < items.size(); i++) {
      String path = "requires[" + i + "]";
      Node n = items.get(i);
      app.ctx().mark(path, n);
      RequireSpec r = n instanceof MappingNode ? readLong(app.map(n, path)) : readShort(app, n, path);
      if (r == null) {
        continue;
      }
      Integer before = locals.putIfAbsent(r.local(), i);
      if (before != null) {
        app.ctx().error(n, path, "local port " + r.local() + " is already used by requires[" + before + "]");
        continue;
      }
      out.add(r);
    }
    return out;
  }

  private static RequireSpec readShort(YMap app, Node n, String path) {
    String s = app.text(n, path);
    if (s == null) {
      return null;
    }
    Matcher x = SHORT.matcher(s);
    ServiceRef ref = x.matches() ? ServiceRef.parse(x.group(1)) : null;
    if (ref == null || !x.group(2).matches("[0-9]{1,9}")) {
      app.ctx().error(n, path, "cannot read \"" + s + "\", " + SHORT_HELP + " or use the long form with service and local");
      return null;
    }
    int local = Integer.parseInt(x.group(2));
    if (local < 1 || local > 65535) {
      app.ctx().error(n, path, "local port " + local + " is out of range, use 1-65535");
      return null;
    }
    return of(ref, local);
  }

  private static RequireSpec readLong(YMap m) {
    if (m == null) {
      return null;
    }
    m.only("service", "local", "balance", "retries", "connect-timeout", "fallback");
    ServiceRef service = ref(m, "service", true);
    Node localNode = m.node("local");
    Integer local = null;
    if (localNode == null) {
      m.ctx().error(m.node(), m.child("local"), "missing, add the loopback port the app connects to, e.g. \"local: 7001\"");
    } else {
      local = Values.port(m, localNode, m.child("local"));
    }
    String balance = m.str("balance");
    if (balance != null && !BALANCES.contains(balance) && !JAVA_CLASS.matcher(balance).matches()) {
      m.ctx().error(m.node("balance"), m.child("balance"), "unknown balance \"" + balance
          + "\", use round-robin, least-connections, random, power-of-two, hash or a Java class name");
      balance = null;
    }
    Integer retries = m.integer("retries");
    if (retries != null && (retries < 0 || retries > 10)) {
      m.ctx().error(m.node("retries"), m.child("retries"), "retries " + retries + " is out of range, use 0-10");
      retries = null;
    }
    Duration timeout = Values.duration(m, "connect-timeout", DEFAULT_CONNECT_TIMEOUT);
    ServiceRef fallback = ref(m, "fallback", false);
    if (service == null || local == null || timeout == null
        || (m.has("fallback") && fallback == null) || (m.has("balance") && balance == null)) {
      return null;
    }
    return new RequireSpec(service, local, balance, retries == null ? DEFAULT_RETRIES : retries, timeout, fallback);
  }

  private static ServiceRef ref(YMap m, String key, boolean required) {
    String s = required ? m.required(key, key + ": billing:8080") : m.str(key);
    if (s == null) {
      return null;
    }
    ServiceRef r = ServiceRef.parse(s);
    if (r == null) {
      m.ctx().error(m.node(key), m.child(key), "cannot read \"" + s + "\", write \"app:port\" with a port number or name, e.g. \"billing:8080\"");
    }
    return r;
  }
}
