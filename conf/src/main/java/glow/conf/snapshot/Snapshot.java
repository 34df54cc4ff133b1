package glow.conf.snapshot;

import glow.conf.Problem;
import glow.conf.spec.AppSpec;
import glow.conf.spec.ExposeSpec;
import glow.conf.spec.ExternalSpec;
import glow.conf.spec.JobSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The desired state of the cluster as read from one version of the config repository, resolved
 * and validated; immutable, one per load (the repo sync job publishes the latest to every node).
 *
 * <p>It may carry problems and still be used: files that failed are present at their last good
 * version or absent (see docs/repo-format.md, "The last-good rule").
 *
 * @param version   the commit id, or {@code dir-<sha256 prefix>} of the content for a plain directory
 * @param apps      by name, sorted
 * @param instances sorted by key
 * @param services  by key, sorted
 * @param jobRuns   by job name: what one run of the job gets (see {@link #jobRuns()})
 * @param problems  sorted by file, line and column
 * @param accepted  the file versions this snapshot was built from, for the next load's last-good rule
 */
public record Snapshot(String version, Map<String, AppSpec> apps, List<InstanceSpec> instances,
                       Map<String, ExternalSpec> externals, Map<String, ExposeSpec> exposes,
                       Map<String, JobSpec> jobs, Map<ServiceKey, ServiceEntry> services,
                       Map<String, InstanceSpec> jobRuns, List<Problem> problems, @com.fasterxml.jackson.annotation.JsonIgnore Accepted accepted) {

  public Snapshot {
    accepted = accepted == null ? Accepted.NONE : accepted; // e.g. a snapshot rebuilt from JSON: no last-good history
    apps = Collections.unmodifiableMap(new TreeMap<>(apps));
    instances = List.copyOf(instances);
    externals = Collections.unmodifiableMap(new TreeMap<>(externals));
    exposes = Collections.unmodifiableMap(new TreeMap<>(exposes));
    jobs = Collections.unmodifiableMap(new TreeMap<>(jobs));
    services = Collections.unmodifiableMap(new TreeMap<>(services));
    jobRuns = Collections.unmodifiableMap(new TreeMap<>(jobRuns));
    problems = problems.stream().sorted().toList();
  }

  /** A snapshot with nothing in it, for a first load that could not read the repo. */
  public static Snapshot empty(String version, List<Problem> problems) {
    return new Snapshot(version, Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), problems, Accepted.NONE);
  }

  /** True when the repo has no problem at all. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isValid() {
    return problems.isEmpty();
  }

  /** This snapshot with other problems (used to keep it whole when the repo cannot be read). */
  public Snapshot withProblems(List<Problem> newProblems) {
    return new Snapshot(version, apps, instances, externals, exposes, jobs, services, jobRuns, newProblems, accepted);
  }

  public Optional<InstanceSpec> instance(String key) {
    return instances.stream().filter(i -> i.key().equals(key)).findFirst();
  }

  /** Instances to run on one node. */
  public List<InstanceSpec> instancesOn(String node) {
    return instances.stream().filter(i -> i.node().equals(node)).toList();
  }

  /**
   * The service a reference names ({@code web:http} to {@code web:8080}), as the repo declares it;
   * empty when no app or external provides it. Exposes keep their target as written; this resolves it.
   */
  public Optional<ServiceKey> resolve(glow.conf.spec.ServiceRef ref) {
    Map<String, glow.conf.spec.PortSpec> provides = apps.containsKey(ref.service())
        ? apps.get(ref.service()).provides()
        : externals.containsKey(ref.service()) ? externals.get(ref.service()).provides() : Map.of();
    glow.conf.spec.PortSpec port = glow.conf.spec.PortSpec.find(provides, ref.port());
    return port == null ? Optional.empty() : Optional.of(new ServiceKey(ref.service(), port.port()));
  }

  /** Every node named by a deployment, expose or job, sorted. */
  public List<String> nodes() {
    java.util.TreeSet<String> nodes = new java.util.TreeSet<>();
    instances.forEach(i -> nodes.add(i.node()));
    exposes.values().forEach(e -> nodes.addAll(e.nodes()));
    jobs.values().forEach(j -> nodes.add(j.node()));
    return List.copyOf(nodes);
  }

  /**
   * The file versions a snapshot was built from (repo path to its text, parsed spec and field
   * positions) plus the config contents used by apps (source path to text); read by the next load
   * to apply the last-good rule. Empty for a snapshot that read nothing.
   */
  public record Accepted(Map<String, AcceptedFile> files, Map<String, String> configs) {
    public static final Accepted NONE = new Accepted(Map.of(), Map.of());

    public Accepted {
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }
  }

  /** One accepted file: its text, the spec read from it (AppSpec, DeploymentSpec ...) and where its fields are. */
  public record AcceptedFile(String text, Object spec, glow.conf.yaml.Positions positions) {}
}
