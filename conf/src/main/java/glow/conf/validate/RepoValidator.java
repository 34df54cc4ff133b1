package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceKey;
import glow.conf.spec.AppSpec;
import glow.conf.spec.DeploymentSpec;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.ExternalSpec;
import glow.conf.spec.JobSpec;
import glow.conf.spec.PortSpec;
import glow.conf.spec.Protocol;
import glow.conf.spec.RequireSpec;
import glow.conf.spec.ServiceRef;
import glow.conf.validate.PortClaims.Claim;
import glow.conf.validate.PortClaims.Use;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks what no single file can check alone: references between files, unique instance keys and
 * ports per node; one run per validation round. Linear in the size of the repo (hash indexes, no
 * pairwise comparison), apart from one sort of the port claims.
 */
public final class RepoValidator {

  /**
   * What a round found.
   *
   * @param errors    problems by file path
   * @param requires  resolved requires by app name (entries that failed to resolve are left out)
   * @param excluded  deployment files that lost a unique (app, instance) and must not be run
   */
  public record Result(Map<String, List<Problem>> errors, Map<String, List<ResolvedRequire>> requires, Set<String> excluded) {}

  private final Map<String, Candidate> candidates;
  private final Set<String> configSources;
  private final Set<String> broken;
  private final Set<String> deleted;
  private final Map<String, AppSpec> apps = new HashMap<>();
  private final Map<String, ExternalSpec> externals = new HashMap<>();
  private final Map<String, Candidate> appFiles = new HashMap<>();
  private final Map<String, Candidate> externalFiles = new HashMap<>();
  private final Map<String, List<Problem>> errors = new HashMap<>();
  private final Map<String, List<ResolvedRequire>> resolved = new HashMap<>();
  private final Set<String> excluded = new HashSet<>();

  private RepoValidator(Map<String, Candidate> candidates, Set<String> configSources, Set<String> broken, Set<String> deleted) {
    this.candidates = candidates;
    this.configSources = configSources;
    this.broken = broken;
    this.deleted = deleted;
  }

  /**
   * @param candidates    the file versions in use, by path
   * @param configSources paths of the files under configs/ in the tree being loaded
   * @param broken        paths of YAML files in the tree that could not be read and have no last good version
   * @param deleted       paths of files the previous snapshot used that are gone from the tree
   */
  public static Result validate(Map<String, Candidate> candidates, Set<String> configSources, Set<String> broken,
                                Set<String> deleted) {
    RepoValidator v = new RepoValidator(candidates, configSources, broken, deleted);
    v.run();
    return new Result(v.errors, v.resolved, v.excluded);
  }

  private void run() {
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof AppSpec a) {
        apps.put(a.name(), a);
        appFiles.put(a.name(), c);
      }
    }
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof ExternalSpec e) {
        if (apps.containsKey(e.name())) {
          error(c, "", "\"" + e.name() + "\" is also an app (apps/" + e.name() + ".yaml), rename one of them");
        } else {
          externals.put(e.name(), e);
          externalFiles.put(e.name(), c);
        }
      }
    }
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof AppSpec a) {
        checkApp(c, a);
      }
    }
    PortClaims claims = new PortClaims();
    checkDeployments(claims);
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof JobSpec j) {
        checkJob(c, j, claims);
      } else if (c.spec() instanceof ExposeSpec e) {
        checkExpose(c, e, claims);
      }
    }
    claims.check(errors);
  }

  private void checkApp(Candidate c, AppSpec a) {
    List<ResolvedRequire> out = new ArrayList<>();
    for (int i = 0; i < a.requires().size(); i++) {
      RequireSpec r = a.requires().get(i);
      String path = "requires[" + i + "]";
      ServiceKey target = resolve(c, path, r.service());
      ServiceKey fallback = null;
      if (r.fallback() != null) {
        fallback = resolve(c, path + ".fallback", r.fallback());
        if (fallback != null && fallback.equals(target)) {
          error(c, path + ".fallback", "fallback " + r.fallback() + " is the required service itself, name another service");
          fallback = null;
        }
      }
      if (target != null && (r.fallback() == null || fallback != null)) {
        out.add(new ResolvedRequire(target, r.local(), r.balance(), r.retries(), r.connectTimeout(), fallback));
      }
    }
    resolved.put(a.name(), out);
    if (a.config() != null && !configSources.contains(a.config().source())) {
      error(c, "config.source", a.config().source() + " is not in the repo, add it or fix the path");
    }
  }

  /** The service key {@code ref} names, or null after an error at {@code path}. */
  private ServiceKey resolve(Candidate c, String path, ServiceRef ref) {
    Map<String, PortSpec> provides;
    if (apps.containsKey(ref.service())) {
      provides = apps.get(ref.service()).provides();
    } else if (externals.containsKey(ref.service())) {
      provides = externals.get(ref.service()).provides();
    } else {
      String fix = brokenFile("apps/", ref.service());
      if (fix == null) {
        fix = brokenFile("externals/", ref.service());
      }
      error(c, path, fix != null
          ? "\"" + ref.service() + "\" has errors, fix " + fix + " first"
          : "no app or external named \"" + ref.service() + "\", add apps/" + ref.service() + ".yaml or externals/" + ref.service() + ".yaml");
      blameDeletion(c, "apps/" + ref.service() + ".yaml");
      blameDeletion(c, "externals/" + ref.service() + ".yaml");
      return null;
    }
    PortSpec port = PortSpec.find(provides, ref.port());
    if (port == null) {
      boolean byNumber = ref.port().matches("[0-9]+");
      String have = provides.isEmpty() ? "no ports"
          : provides.values().stream().map(p -> byNumber ? String.valueOf(p.port()) : p.name()).collect(Collectors.joining(", "));
      error(c, path, "no app or external provides \"" + ref + "\" (" + ref.service() + " provides " + have + ")");
      blameProvider(c, path, ref);
      return null;
    }
    if (port.protocol() == Protocol.UDP) {
      error(c, path, "\"" + ref + "\" is a udp port, requires are proxied over tcp only");
      return null;
    }
    return new ServiceKey(ref.service(), port.port());
  }

  /**
   * An edit of a provider that drops a port an unchanged file still requires is the edit's
   * fault: the provider gets an error too, so that it goes back to its last good version
   * instead of cutting off what runs.
   */
  private void blameProvider(Candidate user, String path, ServiceRef ref) {
    Candidate provider = appFiles.containsKey(ref.service()) ? appFiles.get(ref.service()) : externalFiles.get(ref.service());
    if (provider != null && provider.changed() && !user.changed()) {
      error(provider, "provides", "\"" + ref + "\" is still required by " + user.path() + " (" + path
          + "), keep providing it or change " + user.path() + " first");
    }
  }

  /**
   * Deleting a file that an unchanged file still uses is the deletion's fault: the deleted path
   * gets an error, and the loader brings its last good version back until nothing uses it.
   */
  private void blameDeletion(Candidate user, String deletedPath) {
    if (!user.changed() && deleted.contains(deletedPath)) {
      errors.computeIfAbsent(deletedPath, f -> new ArrayList<>()).add(Problem.of(deletedPath,
          "deleted, but " + user.path() + " still uses it; kept at its last good version, change " + user.path() + " first"));
    }
  }

  private String brokenFile(String folder, String name) {
    String f = folder + name + ".yaml";
    return broken.contains(f) ? f : null;
  }

  /** Reports a missing app; true when it exists. */
  private boolean appExists(Candidate c, String app) {
    if (app == null) {
      return false;
    }
    if (apps.containsKey(app)) {
      return true;
    }
    String fix = brokenFile("apps/", app);
    error(c, "app", fix != null ? "app \"" + app + "\" has errors, fix " + fix + " first"
        : "no app \"" + app + "\", add apps/" + app + ".yaml or fix the name");
    blameDeletion(c, "apps/" + app + ".yaml");
    return false;
  }

  private void checkDeployments(PortClaims claims) {
    // unchanged files first, so that a new file cannot take an instance number from a running one
    List<Candidate> deployments = candidates.values().stream().filter(c -> c.spec() instanceof DeploymentSpec)
        .sorted(java.util.Comparator.comparing(Candidate::changed).thenComparing(Candidate::path)).toList();
    Map<String, Candidate> byKey = new HashMap<>();
    // one owner per (node, app) for the require claims: instances of one app on a node share its proxies
    Set<String> requireClaimed = new HashSet<>();
    for (Candidate c : deployments) {
      DeploymentSpec d = (DeploymentSpec) c.spec();
      if (!appExists(c, d.app()) || d.node() == null) { // no node: already reported by the file itself
        continue;
      }
      Candidate first = byKey.putIfAbsent(d.key(), c);
      if (first != null) {
        String message = "instance " + d.instance() + " of " + d.app() + " is already deployed by " + first.path()
            + ", use another instance number";
        errors.computeIfAbsent(c.path(), f -> new ArrayList<>()).add(c.positions().problemNear(
            c.positions().byPath().containsKey("instance") ? "instance" : "app", "instance", message));
        excluded.add(c.path());
        continue;
      }
      AppSpec app = apps.get(d.app());
      Candidate appFile = appFiles.get(d.app());
      boolean blameApp = appFile.changed() && !c.changed();
      for (PortSpec p : app.provides().values()) {
        int port = p.port() + d.portOffset();
        if (port > 65535) {
          error(c, "port-offset", "port-offset " + d.portOffset() + " moves port " + p.name() + " (" + p.port() + ") past 65535");
          continue;
        }
        Candidate owner = blameApp ? appFile : c;
        claims.add(new Claim(d.node(), port, p.protocol(), null, c.changed() || appFile.changed(), owner.path(),
            owner.positions(), blameApp ? "provides." + p.name() : "node", Use.PROVIDE, "port " + p.name() + " of " + d.key()));
      }
      if (requireClaimed.add(d.node() + "\u0000" + d.app())) {
        claimRequires(claims, d.app(), d.node(), blameApp ? appFile : c, c.changed() || appFile.changed(), blameApp);
      }
    }
  }

  private void claimRequires(PortClaims claims, String app, String node, Candidate owner, boolean changed, boolean atApp) {
    for (ResolvedRequire r : resolved.getOrDefault(app, List.of())) {
      int index = indexOfLocal(apps.get(app), r.local());
      String mapping = r.service() + " -> " + r.local();
      claims.add(new Claim(node, r.local(), Protocol.TCP, r.toString(), changed, owner.path(), owner.positions(),
          atApp ? "requires[" + index + "]" : "node", Use.REQUIRE, "the require " + mapping + " of " + app));
    }
  }

  private static int indexOfLocal(AppSpec app, int local) {
    for (int i = 0; i < app.requires().size(); i++) {
      if (app.requires().get(i).local() == local) {
        return i;
      }
    }
    return 0;
  }

  private void checkJob(Candidate c, JobSpec j, PortClaims claims) {
    if (appExists(c, j.app()) && j.node() != null) {
      // a run needs the app's required services on its node, like an instance does
      claimRequires(claims, j.app(), j.node(), c, c.changed(), false);
    }
  }

  private void checkExpose(Candidate c, ExposeSpec e, PortClaims claims) {
    if (e.target() != null) {
      resolve(c, "target", e.target());
    }
    if (e.listen() == null) {
      return;
    }
    // exposes in http mode with the same listen address (and TLS or not) share one listener
    String share = e.mode() == ExposeSpec.Mode.HTTP ? "http " + e.listen() + (e.tls() == null ? "" : " tls") : null;
    for (String node : new java.util.LinkedHashSet<>(e.nodes())) {
      claims.add(new Claim(node, e.listen().port(), Protocol.TCP, share, c.changed(), c.path(), c.positions(), "listen",
          Use.LISTEN, "the listener of " + c.path().substring(0, c.path().length() - 5).replace("expose/", "expose ")));
    }
  }

  /** Second pass over http exposes: two of them may not route the same host and path on one listener. */
  static void checkRoutes(Map<String, Candidate> candidates, Map<String, List<Problem>> errors) {
    List<Candidate> exposes = candidates.values().stream().filter(c -> c.spec() instanceof ExposeSpec e
            && e.mode() == ExposeSpec.Mode.HTTP && e.listen() != null)
        .sorted(java.util.Comparator.comparing(Candidate::changed).thenComparing(Candidate::path)).toList();
    Map<String, Candidate> routes = new LinkedHashMap<>();
    for (Candidate c : exposes) {
      ExposeSpec e = (ExposeSpec) c.spec();
      List<String> hosts = e.hosts().isEmpty() ? List.of("*") : e.hosts();
      Set<String> reported = new HashSet<>();
      for (String node : e.nodes()) {
        for (int i = 0; i < hosts.size(); i++) {
          String key = node + "\u0000" + e.listen() + "\u0000" + hosts.get(i) + "\u0000" + e.path();
          Candidate first = routes.putIfAbsent(key, c);
          if (first != null && first != c && reported.add(hosts.get(i))) {
            String host = hosts.get(i).equals("*") ? "any host" : "host " + hosts.get(i);
            String field = e.hosts().isEmpty() ? "path" : "hosts[" + i + "]";
            String near = c.positions().byPath().containsKey(field) ? field : "listen";
            errors.computeIfAbsent(c.path(), f -> new ArrayList<>()).add(c.positions().problemNear(near, field,
                host + " with path " + e.path() + " on " + e.listen() + " is already routed by " + first.path()
                    + ", use another host or path"));
          }
        }
      }
    }
  }

  private void error(Candidate c, String path, String message) {
    errors.computeIfAbsent(c.path(), f -> new ArrayList<>()).add(c.positions().problem(path, message));
  }

  /** Runs {@link #validate} and the route check. */
  public static Result validateAll(Map<String, Candidate> candidates, Set<String> configSources, Set<String> broken,
                                   Set<String> deleted) {
    Result r = validate(candidates, configSources, broken, deleted);
    checkRoutes(candidates, r.errors());
    return r;
  }
}
