/**
 * The config repository: spec records read strictly from YAML, whole-repo validation with
 * file:line:column problems, loading from a folder or a git branch with the last-good rule,
 * and immutable snapshots with a diff. No Akka here.
 *
 * <p>Start with {@link glow.conf.repo.RepoLoader#load(glow.conf.repo.RepoSource, glow.conf.snapshot.Snapshot)}:
 * <pre>{@code
 * Snapshot s = RepoLoader.load(RepoSource.directory(Path.of("examples/demo")), null);
 * s.problems().forEach(System.out::println);         // "apps/web.yaml:7:5: requires[1]: ..."
 * for (InstanceSpec i : s.instancesOn("dev")) { ... }  // what a node runs
 * SnapshotDiff d = SnapshotDiff.between(previous, s);  // what to start, stop, roll or reload
 * }</pre>
 * The repo format is documented in docs/repo-format.md.
 */
package glow.conf;
