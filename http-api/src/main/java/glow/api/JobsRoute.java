package glow.api;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.pattern.StatusReply;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.job.JobRun;
import glow.actors.job.JobRunner;
import glow.actors.job.JobSchedule;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /api/jobs}: the jobs of the repo version in force, each with its next run time and the
 * history its runner keeps on the job's node, and {@code POST /api/jobs/NAME/run}; one per API.
 * Histories are asked from the runners (only on Up nodes: sharding would hold a message for an
 * absent node until it joins).
 */
final class JobsRoute extends AllDirectives {
  private final ApiContext c;

  JobsRoute(ApiContext c) {
    this.c = c;
  }

  /** The routes under {@code /api}; {@code authorized} wraps the POST (bearer token). */
  Route route(Function<Supplier<Route>, Route> authorized) {
    return concat(
        path("jobs", () -> get(this::jobs)),
        path(segment("jobs").slash(segment()), name -> get(() -> job(name))),
        path(segment("jobs").slash(segment()).slash("run"), name -> post(() -> authorized.apply(() -> run(name)))));
  }

  private InstanceSupervisors<JobRunner.Command> runners() {
    return c.services().jobRunners();
  }

  private Route jobs() {
    Snapshot s = c.services().current();
    if (s == null) return complete(Json.ok(Map.of("version", "none", "jobs", List.of())));
    Instant now = Instant.now();
    List<CompletableFuture<Map<String, Object>>> views = new ArrayList<>();
    for (JobSpec j : s.jobs().values()) {
      views.add(history(j).thenApply(h -> {
        Map<String, Object> v = summary(j, s, now);
        List<JobRun> runs = h == null ? List.of() : h.runs();
        v.put("lastRun", runs.isEmpty() ? null : runs.get(runs.size() - 1));
        v.put("running", runs.stream().filter(JobRun::running).map(JobRun::id).toList());
        if (h == null) v.put("history", "unavailable: node " + j.node() + " is not in the cluster or did not answer");
        return v;
      }).toCompletableFuture());
    }
    CompletionStage<Map<String, Object>> all = CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("version", s.version());
          out.put("jobs", views.stream().map(CompletableFuture::join).toList());
          return out;
        });
    return onSuccess(all, out -> complete(Json.ok(out)));
  }

  private Route job(String name) {
    Snapshot s = c.services().current();
    JobSpec j = s == null ? null : s.jobs().get(name);
    if (j == null) return complete(noJob(name));
    return onSuccess(history(j), h -> {
      Map<String, Object> v = summary(j, s, Instant.now());
      v.put("spec", j);
      v.put("runs", h == null ? List.of() : h.runs());
      if (h == null) v.put("history", "unavailable: node " + j.node() + " is not in the cluster or did not answer");
      return complete(Json.ok(v));
    });
  }

  private Route run(String name) {
    Snapshot s = c.services().current();
    JobSpec j = s == null ? null : s.jobs().get(name);
    if (j == null) return complete(noJob(name));
    if (!c.glowNode().placement().isUp(j.node())) {
      return complete(Json.error(StatusCodes.CONFLICT, "job " + name + " is pending: node " + j.node()
          + " is not in the cluster", "start node " + j.node() + " (or move the job) and try again"));
    }
    CompletionStage<StatusReply<Integer>> asked = runners().entityRef(j.node(), "job:" + name)
        .ask(JobRunner.RunNow::new, c.settings().askTimeout());
    return onSuccess(asked, reply -> reply.isError()
        ? complete(Json.error(StatusCodes.CONFLICT, reply.getError().getMessage(),
            "wait for the run to end, or set overlap: allow or replace in jobs/" + name + ".yaml"))
        : complete(Json.response(StatusCodes.ACCEPTED, Map.of("job", name, "run", reply.getValue(), "node", j.node()))));
  }

  /** The runner's history, or null when its node is absent or does not answer in time. */
  private CompletionStage<JobRunner.History> history(JobSpec j) {
    if (!c.glowNode().placement().isUp(j.node())) return CompletableFuture.completedFuture(null);
    return runners().entityRef(j.node(), "job:" + j.name())
        .<JobRunner.History>ask(JobRunner.GetHistory::new, c.settings().askTimeout())
        .exceptionally(t -> null);
  }

  private static Map<String, Object> summary(JobSpec j, Snapshot s, Instant now) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", j.name());
    v.put("app", j.app());
    v.put("version", s.jobRuns().containsKey(j.name()) ? s.jobRuns().get(j.name()).spec().version() : null);
    v.put("node", j.node());
    v.put("schedule", j.schedule());
    v.put("timeZone", j.timeZone().equals(java.time.ZoneOffset.UTC) ? "UTC" : j.timeZone().getId());
    v.put("overlap", j.overlap().toString());
    v.put("nextRun", JobSchedule.next(j, now).orElse(null));
    return v;
  }

  private static akka.http.javadsl.model.HttpResponse noJob(String name) {
    return Json.error(StatusCodes.NOT_FOUND, "no job named \"" + name + "\"",
        "GET /api/jobs lists the jobs of the repo version in force");
  }
}
