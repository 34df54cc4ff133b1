package glow.conf.spec;

import glow.conf.yaml.YMap;

/**
 * One running instance, read from {@code deployments/ANY.yaml}; one per deployment file.
 *
 * @param file       repo path of the deployment file
 * @param instance   positive instance number; (app, instance) is unique in the repo
 * @param portOffset added to every provided port of this instance (to run several on one node)
 */
public record DeploymentSpec(String file, String app, String node, int instance, int portOffset) {

  public static DeploymentSpec read(YMap m, String file) {
    m.only("app", "node", "instance", "port-offset");
    String app = label(m, "app", "app: web");
    String node = label(m, "node", "node: n1");
    Integer instance = m.integer("instance");
    if (instance != null && instance < 1) {
      m.ctx().error(m.node("instance"), "instance", "instance must be positive, found " + instance);
    }
    Integer offset = m.integer("port-offset");
    if (offset != null && (offset < 0 || offset > 65534)) {
      m.ctx().error(m.node("port-offset"), "port-offset", "port-offset must be 0-65534, found " + offset);
    }
    return new DeploymentSpec(file, app, node, instance == null ? 1 : instance, offset == null ? 0 : offset);
  }

  static String label(YMap m, String key, String example) {
    String s = m.required(key, example);
    if (s != null && !Values.isLabel(s)) {
      m.ctx().error(m.node(key), m.child(key), key + " \"" + s + "\" must be " + Values.LABEL_RULE);
      return null;
    }
    return s;
  }

  /** The sharding entity id of this instance, stable across versions. */
  public String key() {
    return app + "#" + instance;
  }
}
