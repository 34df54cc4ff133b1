package glow.conf.spec;

/** The transport of a provided port; two values. */
public enum Protocol {
  TCP, UDP;

  @Override
  public String toString() {
    return name().toLowerCase();
  }
}
