package glow.conf.validate;

/** The kinds of file in a config repo, by folder; six values. */
public enum Kind {
  APP("apps/", "image and version"),
  DEPLOYMENT("deployments/", "app and node"),
  EXTERNAL("externals/", "endpoints and provides"),
  EXPOSE("expose/", "listen, nodes and target"),
  JOB("jobs/", "app, node and schedule"),
  CONFIG("configs/", "");

  public final String folder;
  /** The keys a file of this kind needs, for "empty file" messages. */
  final String needs;

  Kind(String folder, String needs) {
    this.folder = folder;
    this.needs = needs;
  }

  /** The kind of a repo path, or null for a file Glow does not read. */
  public static Kind of(String path) {
    for (Kind k : values()) {
      if (path.startsWith(k.folder)) {
        return k;
      }
    }
    return null;
  }
}
