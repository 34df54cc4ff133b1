package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.spec.AppSpec;
import glow.conf.spec.DeploymentSpec;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.ExternalSpec;
import glow.conf.spec.JobSpec;
import glow.conf.spec.Values;
import glow.conf.yaml.Ctx;
import glow.conf.yaml.YMap;
import glow.conf.yaml.YamlDoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one YAML file of the repo on its own: file naming rules, YAML syntax, strict keys and values; stateless. */
public final class FileParser {
  private FileParser() {}

  /** Null for files Glow does not read as YAML (configs/, and non-YAML files). */
  public static ParsedFile parse(String path, String text) {
    Kind kind = Kind.of(path);
    if (kind == null || kind == Kind.CONFIG) {
      return null;
    }
    String rest = path.substring(kind.folder.length());
    List<Problem> problems = new ArrayList<>();
    Ctx ctx = new Ctx(path, problems);
    if (rest.endsWith(".yml")) {
      problems.add(Problem.of(path, "glow reads .yaml files only, rename it to " + path.substring(0, path.length() - 4) + ".yaml"));
      return new ParsedFile(path, kind, text, null, ctx.positions(), problems);
    }
    if (!rest.endsWith(".yaml")) {
      return null; // README.md and the like may sit beside the YAML files
    }
    String name = rest.substring(0, rest.length() - ".yaml".length());
    if (kind != Kind.DEPLOYMENT) {
      // the file name is the name other files use: apps/web.yaml is app "web"
      if (name.contains("/")) {
        problems.add(Problem.of(path, "files of " + kind.folder + " sit directly in it, move it to "
            + kind.folder + name.substring(name.lastIndexOf('/') + 1) + ".yaml"));
      } else if (!Values.isLabel(name)) {
        problems.add(Problem.of(path, "file name \"" + name + "\" must be " + Values.LABEL_RULE + ", rename the file"));
      }
    }
    YMap root = YamlDoc.parse(ctx, text, kind.needs);
    Object spec = null;
    if (root != null) {
      spec = switch (kind) {
        case APP -> AppSpec.read(root, name);
        case DEPLOYMENT -> DeploymentSpec.read(root, path);
        case EXTERNAL -> ExternalSpec.read(root, name);
        case EXPOSE -> ExposeSpec.read(root, name);
        case JOB -> JobSpec.read(root, name);
        case CONFIG -> null;
      };
    }
    return new ParsedFile(path, kind, text, spec, ctx.positions(), problems);
  }

  /** Parses every YAML file of a tree (path to text), in path order; files are independent, so in parallel. */
  public static List<ParsedFile> parseAll(Map<String, String> files) {
    return files.entrySet().stream().map(e -> parse(e.getKey(), e.getValue()))
        .filter(java.util.Objects::nonNull).toList();
  }
}
