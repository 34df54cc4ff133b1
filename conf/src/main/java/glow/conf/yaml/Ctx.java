package glow.conf.yaml;

import glow.conf.Problem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The file being read, where its problems go and where each field sits; one per YAML file
 * being parsed. Positions are kept beside the spec records (not inside them) so that moving a
 * line does not make a spec "changed".
 */
public final class Ctx {
  private final String file;
  private final List<Problem> out;
  private final Map<String, int[]> positions = new HashMap<>();

  public Ctx(String file, List<Problem> out) {
    this.file = file;
    this.out = out;
  }

  public String file() {
    return file;
  }

  public List<Problem> out() {
    return out;
  }

  public void error(Node at, String path, String message) {
    if (at == null) {
      out.add(new Problem(file, 0, 0, path, message));
    } else {
      // SnakeYAML marks are 0-based; editors count from 1
      out.add(new Problem(file, at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, path, message));
    }
  }

  /** Remembers where the value of field {@code path} starts, for errors found later across files. */
  public void mark(String path, Node at) {
    positions.putIfAbsent(path, new int[] {at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1});
  }

  public Positions positions() {
    return new Positions(file, Map.copyOf(positions));
  }

  /** How a node looks to a user, for "expected X, found Y" messages. */
  public static String describe(Node n) {
    return switch (n.getNodeId()) {
      case mapping -> "a mapping";
      case sequence -> "a list";
      case scalar -> '"' + ((ScalarNode) n).getValue() + '"';
      default -> "an alias";
    };
  }
}
