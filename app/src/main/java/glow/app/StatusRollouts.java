package glow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Rollouts section of {@code glow status}: one row per app that is rolling or whose rollout
 * stopped (from, to, progress, what happens, which instances do not serve), and for a stopped one
 * what to do; stateless.
 *
 * <p>It joins the rollout coordinator's view ({@code GET /api/rollouts}: permits out, stopped
 * targets) with what each instance says in its detail ({@code waiting to roll to …}, {@code rollout
 * of … stopped: …}), as the dashboard does: while the coordinator cannot answer (its node just
 * died), the instances' details still show the rollout. The coordinator's {@code down} (instances not
 * serving, which count against max-unavailable) shows only for an app that rolls or stopped: when
 * nothing rolls, nothing waits for them, and the instance table already shows their state.
 */
final class StatusRollouts {
  private StatusRollouts() {}

  static final List<String> HEADER = List.of("ROLLOUT", "FROM", "TO", "PROGRESS", "STATE");

  private static final Pattern WAITING = Pattern.compile("^waiting to roll to .*");
  private static final Pattern HALTED = Pattern.compile("^rollout of .* stopped: .*");

  /** Apps with a rollout going or stopped, sorted; empty when nothing rolls. */
  static Set<String> apps(JsonNode rollouts, JsonNode instances) {
    Set<String> apps = new TreeSet<>();
    for (JsonNode a : rollouts.path("apps")) {
      if (!a.path("replacing").isEmpty() || !a.path("stopped").isEmpty()) apps.add(a.path("app").asText());
    }
    for (JsonNode i : instances.path("instances")) {
      String detail = i.path("detail").asText("");
      if (WAITING.matcher(detail).matches() || HALTED.matcher(detail).matches()) apps.add(i.path("app").asText());
    }
    return apps;
  }

  /**
   * Prints the section; nothing when no app rolls.
   *
   * @param rollouts {@code GET /api/rollouts}, or JSON null when the coordinator did not answer
   * @param instances {@code GET /api/instances}
   * @param appVersion the version the repo in force asks for, by app (the target of a running rollout)
   */
  static void print(PrintWriter out, JsonNode rollouts, JsonNode instances, Function<String, String> appVersion) {
    Set<String> apps = apps(rollouts, instances);
    if (apps.isEmpty()) return;
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    List<String> after = new ArrayList<>(); // what to do, printed below the table
    for (String app : apps) {
      JsonNode coordinator = coordinatorView(rollouts, app);
      List<JsonNode> mine = new ArrayList<>();
      for (JsonNode i : instances.path("instances")) if (i.path("app").asText().equals(app)) mine.add(i);
      List<String> replacing = new ArrayList<>();
      coordinator.path("replacing").forEach(r -> replacing.add(r.asText()));
      Set<String> replacingKeys = new TreeSet<>();
      replacing.forEach(r -> replacingKeys.add(r.contains(" on ") ? r.substring(0, r.indexOf(" on ")) : r));
      List<String> waiting = new ArrayList<>();
      for (JsonNode i : mine) {
        String detail = i.path("detail").asText("");
        if (WAITING.matcher(detail).matches() || HALTED.matcher(detail).matches()) waiting.add(i.path("key").asText());
      }
      List<String> down = new ArrayList<>(); // counted against max-unavailable besides the permits: why others wait
      rollouts.path("down").path(app).forEach(d -> down.add(d.asText()));
      Map.Entry<String, JsonNode> halt = halt(coordinator, appVersion.apply(app));
      if (halt != null) {
        String to = version(halt.getKey());
        Set<String> from = from(mine, to);
        rows.add(List.of(app, String.join(",", from), to, progress(mine, replacingKeys, waiting, to),
            "stopped: " + halt.getValue().asText()));
        after.add(whatToDo(app, mine, to, from, down));
      } else if (haltedDetail(mine) != null) {
        // the coordinator did not answer (or forgot the halt): the waiting instances still say it
        String detail = haltedDetail(mine);
        String to = detail.substring("rollout of ".length() + app.length() + " to ".length(), detail.indexOf(" stopped: "));
        Set<String> from = from(mine, to);
        rows.add(List.of(app, String.join(",", from), to, progress(mine, replacingKeys, waiting, to),
            "stopped: " + detail.substring(detail.indexOf(" stopped: ") + " stopped: ".length()).replaceFirst(" \\(fix the app and commit\\)$", "")));
        after.add(whatToDo(app, mine, to, from, down));
      } else {
        String to = appVersion.apply(app);
        String progress = progress(mine, replacingKeys, waiting, to);
        List<String> state = new ArrayList<>();
        replacing.forEach(r -> state.add("replacing " + r));
        if (!waiting.isEmpty()) state.add("waiting: " + String.join(", ", waiting));
        if (!down.isEmpty()) state.add("not serving: " + String.join(", ", down));
        if (state.isEmpty()) state.add("starting");
        String learning = rollouts.path("learning").asBoolean()
            ? " (the rollout coordinator just started and is still hearing which permits are out)" : "";
        rows.add(List.of(app, String.join(",", from(mine, to)), to == null ? "?" : to, progress,
            "rolling: " + String.join("; ", state) + learning));
      }
    }
    out.println();
    StatusCommand.table(out, rows);
    after.forEach(out::println);
  }

  /**
   * The stopped target the app is at: the one of the version the repo asks for, else any (the
   * coordinator forgets a halt a few seconds after every instance moved on to a newer commit).
   */
  private static Map.Entry<String, JsonNode> halt(JsonNode coordinator, String repoVersion) {
    Map.Entry<String, JsonNode> any = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = coordinator.path("stopped").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (version(e.getKey()).equals(repoVersion)) return e;
      if (any == null) any = e;
    }
    return any;
  }

  /** The version of a target id "1.1.0/3fa9c0d2e41b". */
  private static String version(String target) {
    return target.contains("/") ? target.substring(0, target.indexOf('/')) : target;
  }

  private static JsonNode coordinatorView(JsonNode rollouts, String app) {
    for (JsonNode a : rollouts.path("apps")) if (a.path("app").asText().equals(app)) return a;
    return MissingNode.getInstance();
  }

  private static String haltedDetail(List<JsonNode> mine) {
    for (JsonNode i : mine) {
      String d = i.path("detail").asText("");
      if (HALTED.matcher(d).matches()) return d;
    }
    return null;
  }

  /**
   * "N of M done": the app's instances that are neither waiting, nor being replaced, nor failing on
   * the target version (a replacement that did not get healthy).
   */
  private static String progress(List<JsonNode> mine, Set<String> replacing, List<String> waiting, String to) {
    int done = 0;
    for (JsonNode i : mine) {
      String key = i.path("key").asText();
      boolean failing = i.path("version").asText("").equals(to) && !i.path("healthy").asBoolean();
      if (!waiting.contains(key) && !replacing.contains(key) && !failing) done++;
    }
    return done + " of " + mine.size() + " done";
  }

  /** The versions the app's instances run other than the target; the target itself for a change that keeps the version. */
  private static Set<String> from(List<JsonNode> mine, String to) {
    Set<String> from = new LinkedHashSet<>();
    for (JsonNode i : mine) {
      String v = i.path("version").asText("");
      if (!v.isEmpty() && !v.equals(to)) from.add(v);
    }
    if (from.isEmpty()) from.add(to == null ? "?" : to); // config, command or env change
    return from;
  }

  /**
   * What a stopped rollout leaves running and how to go on, naming the instances that failed; {@code
   * down} the instances besides the failed one (it holds the permit) that do not serve now.
   */
  private static String whatToDo(String app, List<JsonNode> mine, String to, Set<String> from, List<String> down) {
    List<String> failed = new ArrayList<>();
    for (JsonNode i : mine) {
      if (i.path("version").asText("").equals(to) && !i.path("healthy").asBoolean()) failed.add("glow logs " + i.path("key").asText());
    }
    String keep = String.join(", ", from);
    return app + ": the other instances keep " + keep + " and serve"
        + (down.isEmpty() ? "" : " (not serving now: " + String.join(", ", down) + ")") + ". To go on, read why ("
        + (failed.isEmpty() ? "glow logs " + app : String.join(", ", failed)) + "), then commit a fixed version or " + keep
        + " back: a new commit starts a new rollout (recommitting the same files does not).";
  }
}
