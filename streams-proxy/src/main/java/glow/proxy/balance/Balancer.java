package glow.proxy.balance;

import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the endpoint for one new connection; one instance per upstream, called concurrently from
 * every connection of that upstream, so implementations must be thread-safe, must not block and
 * should not allocate (this is the proxy's hot path).
 *
 * <p>Built-in names for {@link #forName}: {@code round-robin}, {@code least-connections},
 * {@code random}, {@code power-of-two} (two random candidates, the one with fewer connections),
 * {@code client-hash} (rendezvous hash of the client's IP address: one client sticks to one endpoint
 * while it stays available).
 *
 * <p>Your own balancer: write a public class with a public no-argument constructor that implements
 * this interface, put its jar on the classpath and give its fully qualified class name where a
 * balancer name goes, e.g.
 * <pre>
 *   java -cp glow.jar:my-balancer.jar glow.app.Main proxy --listen 127.0.0.1:7001 \
 *       --upstream 10.0.0.5:8080 --upstream 10.0.0.6:8080 --balance com.example.MyBalancer
 * </pre>
 * A new instance is created for every upstream that names it.
 */
public interface Balancer {
  /**
   * One of {@code candidates} (never empty, never modified by the caller, in the order the upstream
   * was given its endpoints); {@code client} is the downstream's address. Returning an element not
   * in the list is a bug; the caller then uses the first candidate.
   */
  <C extends Candidate> C choose(List<C> candidates, InetSocketAddress client);

  /**
   * A new balancer for a built-in name (case-insensitive, see the class comment) or a class name.
   *
   * @throws IllegalArgumentException naming the value and what to write instead
   */
  static Balancer forName(String name) {
    String n = name == null ? "" : name.trim();
    switch (n.toLowerCase(Locale.ROOT)) {
      case "round-robin", "roundrobin", "rr": return new RoundRobin();
      case "least-connections", "leastconn", "least-conn": return new LeastConnections();
      case "random": return new RandomChoice();
      case "power-of-two", "p2c", "power-of-two-choices": return new PowerOfTwoChoices();
      case "client-hash", "source", "hash": return new ClientHash();
      default: break;
    }
    if (n.isEmpty() || !n.contains(".")) {
      throw new IllegalArgumentException("unknown balancer \"" + n + "\": use round-robin, least-connections, random, "
          + "power-of-two, client-hash or the class name of your own glow.proxy.balance.Balancer on the classpath");
    }
    Class<?> type;
    try {
      type = Class.forName(n, true, Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : Balancer.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("balancer class " + n + " is not on the classpath: add its jar with "
          + "java -cp glow.jar:your.jar glow.app.Main ...");
    }
    if (!Balancer.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("balancer class " + n + " does not implement glow.proxy.balance.Balancer");
    }
    try {
      return (Balancer) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalArgumentException("balancer class " + n + " needs a public no-argument constructor");
    } catch (InstantiationException | InvocationTargetException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("balancer class " + n + " failed to construct: " + cause);
    }
  }
}
