package glow.conf.repo;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of one version of the config repo that Glow reads (the known folders only), as text;
 * one per read.
 *
 * @param version commit id, or {@code dir-<sha256 prefix>} for a plain directory
 * @param files   repo-relative path ('/'-separated) to UTF-8 text, sorted by path
 */
public record RepoTree(String version, Map<String, String> files) {
  /** The folders Glow reads; anything else in the repo (README, CI files) is ignored. */
  public static final java.util.List<String> FOLDERS = java.util.List.of("apps/", "deployments/", "externals/", "expose/", "jobs/", "configs/");

  public RepoTree {
    files = Collections.unmodifiableMap(new TreeMap<>(files));
  }

  static boolean wanted(String path) {
    return FOLDERS.stream().anyMatch(path::startsWith);
  }
}
