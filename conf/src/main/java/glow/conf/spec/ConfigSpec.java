package glow.conf.spec;

import glow.conf.yaml.YMap;

/**
 * The config file an app declares; at most one per app.
 *
 * @param path     where the file appears, relative to the instance's working directory
 * @param source   repo path of its content, under configs/
 * @param onChange what to do with the running process when the content changes
 */
public record ConfigSpec(String path, String source, OnChange onChange) {
  public ConfigSpec {
    onChange = onChange == null ? OnChange.RESTART : onChange;
  }

  static ConfigSpec read(YMap app) {
    YMap m = app.map("config");
    if (m == null) {
      return null;
    }
    m.only("path", "source", "on-change");
    String path = m.required("path", "path: conf/app.properties");
    if (path != null && !Values.isRelativePath(path)) {
      m.ctx().error(m.node("path"), m.child("path"), "\"" + path + "\" must be a relative path without '..', e.g. conf/app.properties");
      path = null;
    }
    String source = m.required("source", "source: configs/web.properties");
    if (source != null && (!source.startsWith("configs/") || !Values.isRelativePath(source))) {
      m.ctx().error(m.node("source"), m.child("source"), "\"" + source + "\" must be a file under configs/, e.g. configs/web.properties");
      source = null;
    }
    OnChange onChange = null;
    String oc = m.str("on-change");
    if (oc != null) {
      onChange = OnChange.parse(oc);
      if (onChange == null) {
        m.ctx().error(m.node("on-change"), m.child("on-change"), "unknown on-change \"" + oc + "\", use reload, restart or none");
        return null;
      }
    }
    return path == null || source == null ? null : new ConfigSpec(path, source, onChange);
  }
}
