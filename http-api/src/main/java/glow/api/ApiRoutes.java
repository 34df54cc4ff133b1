package glow.api;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.MethodRejection;
import akka.http.javadsl.server.MissingQueryParamRejection;
import akka.http.javadsl.server.MalformedQueryParamRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.management.javadsl.AkkaManagement;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import glow.actors.cluster.PinnedEntityIds;
import glow.actors.cluster.Placement;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.listener.Listeners;
import glow.actors.node.NodeAgent;
import glow.actors.rollout.Rollouts;
import glow.actors.registry.Endpoint;
import glow.actors.registry.ServiceRegistry;
import glow.actors.repo.RepoSync;
import glow.api.events.RepoVersion;
import glow.api.http.Auth;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every route of one node's management API: {@code /api/*}, {@code /metrics}, the dashboard at
 * {@code /} and Akka Management's {@code /ready}, {@code /alive} and {@code /cluster/*}; one per
 * API. Read routes ask this node's actors (the node agent fans out to every node's supervisors);
 * POST routes need a bearer token ({@link Auth}). Errors are JSON {@code {"error", "hint"}}.
 */
final class ApiRoutes extends AllDirectives {
  private static final EntityTypeKey<InstanceSupervisor.Command> SUPERVISORS =
      EntityTypeKey.create(InstanceSupervisor.Command.class, Sharding.INSTANCE_SUPERVISOR);

  private final ApiContext c;
  private final Auth auth;
  private final LogsRoute logs;
  private final EventsRoute events;

  ApiRoutes(ApiContext context) {
    this.c = context;
    this.auth = new Auth(context.settings().tokens());
    this.logs = new LogsRoute(context);
    this.events = new EventsRoute(context);
  }

  Route route() {
    Route management = AkkaManagement.get(c.system()).getRoutes();
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        pathPrefix("api", () -> concat(
            path("cluster", () -> get(() -> complete(Json.ok(ClusterView.of(c.system(), c.node()))))),
            path("apps", () -> get(this::apps)),
            path(segment("apps").slash(segment()), name -> get(() -> app(name))),
            path("instances", () -> get(this::instances)),
            path(segment("instances").slash(segment()), id -> get(() -> instance(id))),
            path(segment("instances").slash(segment()).slash("restart"), id -> post(() -> authorized(() -> restart(id)))),
            path("services", () -> get(this::services)),
            path("rollouts", () -> get(this::rollouts)),
            new ExposesRoute(c).route(),
            path("repo", () -> get(this::repo)),
            path("sync", () -> post(() -> authorized(this::sync))),
            path("logs", () -> get(logs::route)),
            path("events", () -> get(events::route)),
            new JobsRoute(c).route(this::authorized))),
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(HttpEntities.create(
            ContentTypes.TEXT_PLAIN_UTF8, c.metrics().scrape()))))),
        pathSingleSlash(() -> get(() -> getFromResource("dashboard/index.html", ContentTypes.TEXT_HTML_UTF8))),
        pathPrefix("dashboard", () -> get(() -> getFromResourceDirectory("dashboard"))),
        management)));
  }

  private Route authorized(Supplier<Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<HttpResponse> refused = auth.check(header);
      return refused.isPresent() ? complete(refused.get()) : inner.get();
    });
  }

  // ---- apps

  private Route apps() {
    Snapshot s = c.services().current();
    List<Map<String, Object>> apps = new ArrayList<>();
    if (s != null) {
      s.apps().forEach((name, spec) -> {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        a.put("image", spec.image());
        a.put("version", spec.version());
        a.put("instances", s.instances().stream().filter(i -> i.app().equals(name)).map(InstanceSpec::key).toList());
        a.put("nodes", s.instances().stream().filter(i -> i.app().equals(name)).map(InstanceSpec::node).distinct().toList());
        apps.add(a);
      });
    }
    return complete(Json.ok(Map.of("version", s == null ? "none" : s.version(), "apps", apps)));
  }

  private Route app(String name) {
    Snapshot s = c.services().current();
    if (s == null || !s.apps().containsKey(name)) {
      return complete(Json.error(StatusCodes.NOT_FOUND, "no app named \"" + name + "\"",
          "GET /api/apps lists the apps of the repo version in force"));
    }
    return onSuccess(instancesNow(), listing -> {
      Instant now = Instant.now();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", name);
      out.put("version", s.version());
      out.put("spec", s.apps().get(name));
      out.put("instances", listing.instances().stream().filter(i -> i.app().equals(name))
          .map(i -> Views.instance(i, now)).toList());
      return complete(Json.ok(out));
    });
  }

  // ---- rollouts

  /** The rollout coordinator's permits out and halted rollouts, per app. */
  private Route rollouts() {
    CompletionStage<Rollouts.State> state = AskPattern.ask(c.services().rollouts(), Rollouts.GetState::new,
        c.settings().askTimeout(), c.system().scheduler());
    return onSuccess(state, s -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("learning", s.learning());
      out.put("apps", s.apps());
      if (!s.down().isEmpty()) out.put("down", s.down()); // left out when empty (docs/api.md)
      return complete(Json.ok(out));
    });
  }

  // ---- instances

  private CompletionStage<NodeAgent.Instances> instancesNow() {
    return AskPattern.ask(c.services().agent(), NodeAgent.GetInstances::new,
        c.settings().askTimeout().multipliedBy(2), c.system().scheduler());
  }

  private Route instances() {
    return onSuccess(instancesNow(), listing -> {
      Instant now = Instant.now();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("version", listing.version());
      out.put("instances", listing.instances().stream().map(i -> Views.instance(i, now)).toList());
      // the agent marks an instance "unknown" when its supervisor's node did not answer in time
      out.put("unanswered", listing.instances().stream().filter(i -> "unknown".equals(i.state()))
          .map(InstanceStatus::node).distinct().sorted().toList());
      return complete(Json.ok(out));
    });
  }

  private Route instance(String id) {
    return onSuccess(instancesNow(), listing -> {
      Optional<InstanceStatus> found = listing.instances().stream().filter(i -> Views.names(i, id)).findFirst();
      if (found.isEmpty()) return complete(noInstance(id));
      return complete(Json.ok(Views.instance(found.get(), Instant.now())));
    });
  }

  private Route restart(String id) {
    Snapshot s = c.services().current();
    Optional<InstanceSpec> spec = s == null ? Optional.empty()
        : s.instances().stream().filter(i -> i.key().equals(id) || i.id().equals(id)).findFirst();
    if (spec.isEmpty()) return complete(noInstance(id));
    InstanceSpec i = spec.get();
    if (!Placement.get(c.system()).isUp(i.node())) {
      return complete(Json.error(StatusCodes.CONFLICT, i.key() + " is pending: node " + i.node() + " is not in the cluster",
          "start node " + i.node() + " (or move the deployment) and try again"));
    }
    Optional<String> cutOff = Placement.get(c.system()).absence(i.node());
    if (cutOff.isPresent()) { // Up but unreachable: the restart could not reach its supervisor
      return complete(Json.error(StatusCodes.CONFLICT, i.key() + " is pending: " + cutOff.get(),
          "try again once node " + i.node() + " is reachable (GET /api/cluster shows it)"));
    }
    CompletionStage<Done> done = ClusterSharding.get(c.system())
        .entityRefFor(SUPERVISORS, PinnedEntityIds.entityId(i.node(), i.key()))
        .askWithStatus(InstanceSupervisor.Restart::new, c.settings().askTimeout());
    return onSuccess(done, d -> complete(Json.response(StatusCodes.ACCEPTED,
        Map.of("restarting", i.key(), "node", i.node()))));
  }

  private static HttpResponse noInstance(String id) {
    return Json.error(StatusCodes.NOT_FOUND, "no instance \"" + id + "\"",
        "name it by key (greeter#1, URL-encoded greeter%231) or id (greeter:1.0#1); GET /api/instances lists them");
  }

  // ---- services

  private Route services() {
    CompletionStage<Listeners.Listing> listeners = AskPattern.ask(c.services().listeners(), Listeners.GetListeners::new,
        c.settings().askTimeout(), c.system().scheduler());
    CompletionStage<ServiceRegistry.All> registry = AskPattern.ask(c.glowNode().registry(), ServiceRegistry.GetAll::new,
        c.settings().askTimeout(), c.system().scheduler());
    return onSuccess(listeners.thenCombine(registry, (l, r) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("node", c.node());
      out.put("listeners", l.listeners());
      Map<String, List<Endpoint>> services = new TreeMap<>();
      r.services().forEach((name, eps) -> services.put(name, eps.stream()
          .sorted((a, b) -> a.hostPort().compareTo(b.hostPort())).toList()));
      out.put("registry", services);
      return out;
    }), out -> complete(Json.ok(out)));
  }

  // ---- repo

  private Route repo() {
    RepoVersion v = c.repo().get();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", c.repoSource());
    out.put("version", v == null ? "none" : v.version());
    out.put("receivedAt", v == null ? null : v.receivedAt());
    out.put("lastSync", v == null ? null : v.lastSync());
    out.put("valid", v != null && v.problems().isEmpty());
    out.put("problems", v == null ? List.of() : v.problems());
    Map<String, List<String>> byFile = new TreeMap<>();
    if (v != null) v.problems().forEach(p -> byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p.toString()));
    out.put("problemsByFile", byFile);
    return complete(Json.ok(out));
  }

  private Route sync() {
    c.services().sync().tell(new RepoSync.SyncNow());
    RepoVersion v = c.repo().get();
    return complete(Json.response(StatusCodes.ACCEPTED, Map.of("sync", "requested",
        "currentVersion", v == null ? "none" : v.version())));
  }

  // ---- errors

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rs -> complete(Json.error(StatusCodes.METHOD_NOT_ALLOWED,
            "method not allowed here", "use " + rs.stream().map(r -> r.supported().name()).distinct()
                .collect(Collectors.joining(" or ")))))
        .handle(MalformedQueryParamRejection.class, r -> complete(Json.error(StatusCodes.BAD_REQUEST,
            "bad query parameter " + r.parameterName() + ": " + r.errorMsg(), null)))
        .handle(MissingQueryParamRejection.class, r -> complete(Json.error(StatusCodes.BAD_REQUEST,
            "missing query parameter " + r.parameterName(), null)))
        .handleNotFound(complete(Json.error(StatusCodes.NOT_FOUND, "no such route",
            "GET /api/cluster, /api/apps, /api/instances, /api/services, /api/exposes, /api/rollouts, /api/repo, /api/jobs, "
                + "/api/logs, /api/events, "
                + "/metrics; POST /api/sync, /api/instances/ID/restart, /api/jobs/NAME/run (docs/api.md)")))
        .build()
        // any other rejection (unsupported media type, a bad header ...) keeps Akka's status and
        // text, wrapped in the API's JSON error shape
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(r -> r.entity().getContentType().equals(ContentTypes.APPLICATION_JSON) ? r
            : r.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.write(Map.of("error",
                r.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict st ? st.getData().utf8String() : r.status().reason())))));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          Throwable t = e;
          while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
          if (t instanceof TimeoutException) {
            return complete(Json.error(StatusCodes.SERVICE_UNAVAILABLE, "the node did not answer in time (" + t.getMessage() + ")",
                "the node may be starting or overloaded; try again"));
          }
          if (t instanceof akka.pattern.StatusReply.ErrorMessage em) {
            return complete(Json.error(StatusCodes.CONFLICT, em.getMessage(), null));
          }
          c.system().log().warn("API request failed", t);
          return complete(Json.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + t, "see the node's log"));
        })
        .build();
  }
}
