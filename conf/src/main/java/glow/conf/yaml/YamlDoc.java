package glow.conf.yaml;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns the text of one repo file into a SnakeYAML node tree (no Java binding), reporting a
 * syntax error with its position; stateless, all static.
 *
 * <p>The node tree keeps the start mark of every key and value, which is what lets the strict
 * mapper ({@link YMap}) report every problem of a file at once with file:line:column.
 */
public final class YamlDoc {
  // a Yaml instance is costly to build and not thread-safe: one per thread, reused (compose keeps no state between calls)
  private static final ThreadLocal<Yaml> YAML = ThreadLocal.withInitial(() -> {
    LoaderOptions options = new LoaderOptions();
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(50); // billion-laughs guard
    return new Yaml(options);
  });

  private YamlDoc() {}

  /** The top-level mapping of {@code text}, or null after adding a problem to {@code ctx}. */
  public static YMap parse(Ctx ctx, String text, String what) {
    Node root;
    try {
      root = YAML.get().compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String msg = "yaml syntax error: " + clean(e.getProblem() != null ? e.getProblem() : e.getMessage());
      if (e.getContext() != null && e.getProblem() != null) {
        msg += " (" + clean(e.getContext()) + ")";
      }
      if (m == null) {
        ctx.out().add(glow.conf.Problem.of(ctx.file(), msg));
      } else {
        ctx.out().add(new glow.conf.Problem(ctx.file(), m.getLine() + 1, m.getColumn() + 1, "", msg));
      }
      return null;
    } catch (YAMLException e) {
      ctx.out().add(glow.conf.Problem.of(ctx.file(), "yaml syntax error: " + clean(e.getMessage())));
      return null;
    }
    if (root == null) {
      ctx.out().add(new glow.conf.Problem(ctx.file(), 1, 1, "", "empty file, expected a mapping with " + what));
      return null;
    }
    if (!(root instanceof MappingNode)) {
      ctx.error(root, "", "expected a mapping with " + what + ", found " + Ctx.describe(root));
      return null;
    }
    return new YMap(ctx, (MappingNode) root, "");
  }

  // SnakeYAML messages may span lines and end with a full stop; ours are one lower-case line
  private static String clean(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    while (one.endsWith(".") || one.endsWith(":")) {
      one = one.substring(0, one.length() - 1);
    }
    return one;
  }
}
