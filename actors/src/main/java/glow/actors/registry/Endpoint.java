package glow.actors.registry;

import glow.actors.CborSerializable;

/**
 * One healthy endpoint of a service as apps' proxies see it.
 *
 * @param hostPort where to connect, "host:port"
 * @param node the Glow node that registered it, or {@link ServiceRegistry#EXTERNAL} for systems
 *     declared in {@code externals/}
 */
public record Endpoint(String hostPort, String node) implements CborSerializable {
  @Override
  public String toString() {
    return hostPort + "@" + node;
  }
}
