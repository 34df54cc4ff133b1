package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.snapshot.ConfigFile;
import glow.conf.snapshot.InstanceSpec;
import glow.conf.snapshot.ProvidedPort;
import glow.conf.snapshot.ResolvedRequire;
import glow.conf.snapshot.ServiceEntry;
import glow.conf.snapshot.ServiceKey;
import glow.conf.snapshot.Snapshot;
import glow.conf.spec.AppSpec;
import glow.conf.spec.DeploymentSpec;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.ExternalSpec;
import glow.conf.spec.JobSpec;
import glow.conf.spec.PortSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the file versions a load settled on into a resolved {@link Snapshot}; stateless. */
final class SnapshotBuilder {
  private SnapshotBuilder() {}

  /**
   * @param configs         text of every file under configs/ in the tree
   * @param previousConfigs config contents the previous snapshot used, for apps whose source vanished
   */
  static Snapshot build(String version, Map<String, Candidate> candidates, RepoValidator.Result result,
                        Map<String, String> configs, Map<String, String> previousConfigs, List<Problem> problems) {
    Map<String, AppSpec> apps = new HashMap<>();
    Map<String, ExternalSpec> externals = new HashMap<>();
    Map<String, ExposeSpec> exposes = new HashMap<>();
    Map<String, JobSpec> jobs = new HashMap<>();
    Map<String, Snapshot.AcceptedFile> accepted = new LinkedHashMap<>();
    for (Candidate c : candidates.values()) {
      accepted.put(c.path(), new Snapshot.AcceptedFile(c.text(), c.spec(), c.positions()));
      if (c.spec() instanceof AppSpec a) {
        apps.put(a.name(), a);
      } else if (c.spec() instanceof ExternalSpec e) {
        externals.put(e.name(), e);
      } else if (c.spec() instanceof ExposeSpec e) {
        exposes.put(e.name(), e);
      }
    }
    // second pass: a job is kept only when its app is known, and the app may come later in the map
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof JobSpec j && apps.containsKey(j.app())) {
        jobs.put(j.name(), j);
      }
    }
    externals.keySet().removeIf(apps::containsKey); // a name clash is an error on the external

    Map<String, String> usedConfigs = new LinkedHashMap<>();
    List<InstanceSpec> instances = new ArrayList<>();
    for (Candidate c : candidates.values()) {
      if (c.spec() instanceof DeploymentSpec d && apps.containsKey(d.app()) && !result.excluded().contains(c.path())) {
        AppSpec app = apps.get(d.app());
        ConfigFile config = null;
        if (app.config() != null) {
          String src = app.config().source();
          String content = configs.containsKey(src) ? configs.get(src) : previousConfigs.getOrDefault(src, "");
          usedConfigs.put(src, content);
          config = new ConfigFile(app.config().path(), app.config().onChange(), src, content);
        }
        instances.add(instance(d, app, result.requires().getOrDefault(app.name(), List.of()), config));
      }
    }
    instances.sort(Comparator.comparing(InstanceSpec::key));
    Map<String, InstanceSpec> jobRuns = new HashMap<>();
    for (JobSpec j : jobs.values()) {
      AppSpec app = apps.get(j.app());
      ConfigFile config = null;
      if (app.config() != null) {
        String src = app.config().source();
        String content = configs.containsKey(src) ? configs.get(src) : previousConfigs.getOrDefault(src, "");
        usedConfigs.put(src, content);
        config = new ConfigFile(app.config().path(), app.config().onChange(), src, content);
      }
      jobRuns.put(j.name(), jobRun(j, app, result.requires().getOrDefault(app.name(), List.of()), config));
    }
    return new Snapshot(version, apps, instances, externals, exposes, jobs, services(apps, externals, instances),
        jobRuns, problems, new Snapshot.Accepted(accepted, usedConfigs));
  }

  static InstanceSpec instance(DeploymentSpec d, AppSpec app, List<ResolvedRequire> requires, ConfigFile config) {
    Map<String, ProvidedPort> ports = new LinkedHashMap<>();
    for (PortSpec p : app.provides().values()) {
      ports.put(p.name(), new ProvidedPort(p.name(), p.port() + d.portOffset(), p.port(), p.protocol()));
    }
    String id = app.image() + ":" + app.version() + "#" + d.instance();
    // The process environment (GLOW_*, PORT_*, the app's env) is built by the node, which alone
    // knows where the config file lands (GLOW_CONFIG): actors' glow.actors.files.InstanceEnv.
    return new InstanceSpec(d.key(), id, app.name(), app, d.node(), d.instance(), d.portOffset(), ports, requires,
        config, app.health(), app.limits(), d.file());
  }

  /**
   * What one run of a job gets: the app with the job's command, no provided ports (a run is not an
   * endpoint and must not take the instances' ports), the app's requires (the node adds GLOW_JOB).
   * Its key is "job:NAME" and its id "image:version#NAME".
   */
  static InstanceSpec jobRun(JobSpec j, AppSpec app, List<ResolvedRequire> requires, ConfigFile config) {
    AppSpec runs = new AppSpec(app.name(), app.image(), app.version(), j.command() != null ? j.command() : app.command(),
        app.env(), Map.of(), app.requires(), app.tags(), app.config(), null, app.limits(), app.rollout());
    String id = app.image() + ":" + app.version() + "#" + j.name();
    return new InstanceSpec("job:" + j.name(), id, app.name(), runs, j.node(), 0, 0, Map.of(), requires, config,
        null, app.limits(), "jobs/" + j.name() + ".yaml");
  }

  private static Map<ServiceKey, ServiceEntry> services(Map<String, AppSpec> apps, Map<String, ExternalSpec> externals,
                                                        List<InstanceSpec> instances) {
    Map<ServiceKey, ServiceEntry> out = new HashMap<>();
    Map<ServiceKey, List<ServiceEntry.Provider>> providers = new HashMap<>();
    for (InstanceSpec i : instances) {
      for (ProvidedPort p : i.ports().values()) {
        providers.computeIfAbsent(new ServiceKey(i.app(), p.declared()), k -> new ArrayList<>())
            .add(new ServiceEntry.Provider(i.key(), i.node(), p.port()));
      }
    }
    for (AppSpec a : apps.values()) {
      for (PortSpec p : a.provides().values()) {
        ServiceKey key = new ServiceKey(a.name(), p.port());
        out.put(key, new ServiceEntry(key, p.name(), p.protocol(), false, List.of(), providers.getOrDefault(key, List.of())));
      }
    }
    for (ExternalSpec e : externals.values()) {
      for (PortSpec p : e.provides().values()) {
        ServiceKey key = new ServiceKey(e.name(), p.port());
        out.put(key, new ServiceEntry(key, p.name(), p.protocol(), true, e.endpointsOf(p), List.of()));
      }
    }
    return out;
  }
}
