package glow.conf.yaml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A strict read-only view of one YAML mapping, one per mapping being read: typed getters that
 * report a wrong type at the value's position and return null, a check that every key is known,
 * and duplicate-key detection. Nothing here throws on bad input.
 */
public final class YMap {
  private final Ctx ctx;
  private final MappingNode node;
  private final String path;
  // key text -> (key node, value node), in file order, first occurrence wins
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  public YMap(Ctx ctx, MappingNode node, String path) {
    this.ctx = ctx;
    this.node = node;
    this.path = path;
    ctx.mark(path, node);
    for (NodeTuple t : node.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        ctx.error(t.getKeyNode(), path, "keys must be plain words, found " + Ctx.describe(t.getKeyNode()));
        continue;
      }
      if (entries.containsKey(k.getValue())) {
        Node first = entries.get(k.getValue()).getKeyNode();
        ctx.error(k, child(k.getValue()), "duplicate key, first set on line " + (first.getStartMark().getLine() + 1));
        continue;
      }
      entries.put(k.getValue(), t);
    }
  }

  public Ctx ctx() {
    return ctx;
  }

  public Node node() {
    return node;
  }

  public String path() {
    return path;
  }

  /** The field path of {@code key} inside this mapping. */
  public String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Reports every key not in {@code known}, suggesting the closest known one. */
  public YMap only(String... known) {
    List<String> k = Arrays.asList(known);
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      if (!k.contains(e.getKey())) {
        String near = closest(e.getKey(), k);
        ctx.error(e.getValue().getKeyNode(), path, "unknown key \"" + e.getKey() + "\""
            + (near != null ? ", did you mean \"" + near + "\"?" : " (known keys: " + String.join(", ", k) + ")"));
      }
    }
    return this;
  }

  /** Every key with its value, in file order (for free-form maps like env). */
  public Map<String, NodeTuple> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** The value node of {@code key}, or null when absent or explicitly null ({@code key:} or {@code key: ~}). */
  public Node node(String key) {
    NodeTuple t = entries.get(key);
    if (t == null || isNull(t.getValueNode())) {
      return null;
    }
    ctx.mark(child(key), t.getValueNode());
    return t.getValueNode();
  }

  public Node keyNode(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getKeyNode();
  }

  public boolean has(String key) {
    return node(key) != null;
  }

  public String str(String key) {
    Node n = node(key);
    return n == null ? null : text(n, child(key));
  }

  /** Like {@link #str} but a missing value is an error at the mapping, telling what to add. */
  public String required(String key, String example) {
    String s = str(key);
    if (s == null && node(key) == null) {
      ctx.error(node, child(key), "missing, add e.g. \"" + example + "\"");
    }
    return s;
  }

  public Integer integer(String key) {
    Node n = node(key);
    return n == null ? null : integer(n, child(key));
  }

  public Boolean bool(String key) {
    Node n = node(key);
    if (n == null) {
      return null;
    }
    if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      return Boolean.parseBoolean(s.getValue().toLowerCase());
    }
    ctx.error(n, child(key), "expected true or false, found " + Ctx.describe(n));
    return null;
  }

  public YMap map(String key) {
    Node n = node(key);
    if (n == null) {
      return null;
    }
    return map(n, child(key));
  }

  public List<Node> list(String key) {
    Node n = node(key);
    if (n == null) {
      return null;
    }
    if (n instanceof SequenceNode s) {
      return s.getValue();
    }
    ctx.error(n, child(key), "expected a list, found " + Ctx.describe(n));
    return null;
  }

  /** A list of plain values; a single value is not accepted, so that the type stays one spelling. */
  public List<String> strings(String key) {
    List<Node> items = list(key);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ctx.mark(child(key) + "[" + i + "]", items.get(i));
      String s = text(items.get(i), child(key) + "[" + i + "]");
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  // ---- node helpers usable on any node ----

  public YMap map(Node n, String at) {
    if (n instanceof MappingNode m) {
      return new YMap(ctx, m, at);
    }
    ctx.error(n, at, "expected a mapping, found " + Ctx.describe(n));
    return null;
  }

  public String text(Node n, String at) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    ctx.error(n, at, "expected a single value, found " + Ctx.describe(n));
    return null;
  }

  public Integer integer(Node n, String at) {
    String s = text(n, at);
    if (s == null) {
      return null;
    }
    if (s.matches("-?[0-9]{1,9}")) {
      return Integer.parseInt(s);
    }
    ctx.error(n, at, "expected a whole number, found \"" + s + "\"");
    return null;
  }

  public static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  private static String closest(String word, List<String> known) {
    String best = null;
    int bestDistance = 3; // more than two edits away is not a typo
    for (String k : known) {
      int d = distance(word, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
