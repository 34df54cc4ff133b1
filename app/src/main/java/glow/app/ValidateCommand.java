package glow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import glow.conf.Problem;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.repo.RepoTree;
import glow.conf.snapshot.Snapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glow validate}: checks a whole config repo (a directory as it is on disk, or a branch of a
 * git repository) and prints every problem, one a line, sorted by file, then a one-line summary.
 * Exit 0 when valid, 1 when not, 2 when there is nothing to validate (no such path, not a config
 * repo, an unreachable git URL).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check a config repo and print every problem, one a line (file:line:column: field: message).",
        "Exit code: 0 valid, 1 problems found, 2 nothing to validate (no such path, not a repo)."})
public final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH-OR-GIT-URL", defaultValue = ".",
      description = "A config repo directory (read as it is on disk), or a git URL / repository path with --branch (default: .)")
  String target;

  @Option(names = {"-b", "--branch"}, paramLabel = "BRANCH",
      description = "Read this branch's last commit with git instead of the files on disk (the default for a URL: main)")
  String branch;

  @Option(names = "--json", description = "Print the result as one JSON object, for tools")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RepoSource source;
    Path cache = null;
    try {
      if (looksLikeUrl(target)) {
        cache = Files.createTempDirectory("glow-validate");
        source = RepoSource.git(target, branch == null ? "main" : branch, cache);
      } else {
        Path dir = Path.of(target);
        if (!Files.isDirectory(dir)) {
          err.println("glow validate: no such directory: " + target);
          return CommandLine.ExitCode.USAGE;
        }
        if (branch != null) {
          source = RepoSource.git(dir.toString(), branch, dir);
        } else if (RepoTree.FOLDERS.stream().noneMatch(f -> Files.isDirectory(dir.resolve(f)))) {
          err.println("glow validate: " + target + " is not a config repo: it has none of "
              + String.join(", ", RepoTree.FOLDERS) + " (run it at the repo's top folder)");
          return CommandLine.ExitCode.USAGE;
        } else {
          source = RepoSource.directory(dir);
        }
      }
      Snapshot snapshot = RepoLoader.load(source, null);
      if (unreadable(snapshot, source)) {
        snapshot.problems().forEach(p -> err.println("glow validate: " + p));
        return CommandLine.ExitCode.USAGE;
      }
      if (json) {
        out.println(toJson(source, snapshot));
      } else {
        snapshot.problems().forEach(out::println);
        out.println(summary(source, snapshot));
      }
      out.flush();
      return snapshot.isValid() ? 0 : 1;
    } catch (IOException e) {
      err.println("glow validate: cannot create a temporary directory for the clone: " + e.getMessage());
      return 1;
    } finally {
      if (cache != null) deleteTree(cache);
    }
  }

  static boolean looksLikeUrl(String s) {
    return s.contains("://") || s.matches("[\\w.-]+@[\\w.-]+:.*");
  }

  /** The loader reports an unreadable repo as one problem on the repo itself, without a position. */
  private static boolean unreadable(Snapshot s, RepoSource source) {
    return s.instances().isEmpty() && s.apps().isEmpty()
        && s.problems().stream().anyMatch(p -> p.line() == 0 && p.file().equals(source.describe()));
  }

  static String summary(RepoSource source, Snapshot s) {
    String what = count(s.apps().size(), "app") + ", " + count(s.instances().size(), "instance") + ", "
        + count(s.externals().size(), "external") + ", " + count(s.exposes().size(), "expose") + ", "
        + count(s.jobs().size(), "job");
    if (s.isValid()) {
      return source.describe() + ": valid (" + s.version() + ": " + what + ")";
    }
    long files = s.problems().stream().map(Problem::file).distinct().count();
    return source.describe() + ": " + count(s.problems().size(), "problem") + " in " + count((int) files, "file");
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String toJson(RepoSource source, Snapshot s) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("repo", source.describe());
    root.put("version", s.version());
    root.put("valid", s.isValid());
    ObjectNode counts = root.putObject("counts");
    counts.put("apps", s.apps().size());
    counts.put("instances", s.instances().size());
    counts.put("externals", s.externals().size());
    counts.put("exposes", s.exposes().size());
    counts.put("jobs", s.jobs().size());
    ArrayNode problems = root.putArray("problems");
    for (Problem p : s.problems()) {
      ObjectNode o = problems.addObject();
      o.put("file", p.file());
      o.put("line", p.line());
      o.put("column", p.column());
      o.put("path", p.path());
      o.put("message", p.message());
      o.put("text", p.toString());
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

}
