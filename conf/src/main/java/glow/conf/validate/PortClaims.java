package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.spec.Protocol;
import glow.conf.yaml.Positions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds ports wanted twice on one node (provided ports, required local ports, expose listeners);
 * one per validation round. Claims are indexed in a hash map by node and port (never compared
 * pairwise), after sorting so that unchanged files win and a conflict lands on the new one.
 */
final class PortClaims {
  /** How a port is used; decides the advice in the message. */
  enum Use { PROVIDE, REQUIRE, LISTEN }

  /**
   * @param share  claims with the same non-null share key may use the port together (one identical
   *               required mapping, or one HTTP listener of several exposes); null = exclusive
   * @param what   how the claim is named in the other party's message, e.g. "port http of api#1"
   */
  record Claim(String node, int port, Protocol protocol, String share, boolean changed, String file,
               Positions at, String path, Use use, String what) {}

  private final List<Claim> claims = new ArrayList<>();

  void add(Claim c) {
    claims.add(c);
  }

  /** Reports every losing claim to {@code errors} (by file). */
  void check(Map<String, List<Problem>> errors) {
    claims.sort(Comparator.comparing(Claim::changed).thenComparing(Claim::file).thenComparing(Claim::path));
    Map<String, Claim> owners = new HashMap<>(claims.size() * 2);
    for (Claim c : claims) {
      String key = c.node() + "\u0000" + c.port() + "/" + c.protocol();
      Claim owner = owners.putIfAbsent(key, c);
      if (owner == null || (c.share() != null && c.share().equals(owner.share()))) {
        continue;
      }
      if (owner.file().equals(c.file()) && owner.what().equals(c.what())) {
        continue; // the same claim reached twice (e.g. one expose listed under a node twice)
      }
      String advice = switch (c.use()) {
        case PROVIDE -> "set another port-offset or node";
        case REQUIRE -> "use another local port";
        case LISTEN -> "use another listen port";
      };
      errors.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(c.at().problem(c.path(),
          "port " + c.port() + "/" + c.protocol() + " on node " + c.node() + " is already taken by " + owner.what()
              + " (" + owner.file() + "), " + advice));
    }
  }
}
