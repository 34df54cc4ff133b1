package glow.conf.snapshot;

import glow.conf.spec.Endpoint;
import glow.conf.spec.Protocol;
import java.util.List;

/**
 * What the repo says about one service (a provided port of an app or external); one per
 * ServiceKey in a snapshot. Apps' live endpoints come from the cluster registry (only healthy
 * instances); the repo gives which instances should provide it.
 *
 * @param endpoints externals only: where the external answers
 * @param providers apps only: the instances deployed to provide it
 */
public record ServiceEntry(ServiceKey key, String portName, Protocol protocol, boolean external,
                           List<Endpoint> endpoints, List<Provider> providers) {

  /** One instance that provides the service: its key, node and the port it binds there. */
  public record Provider(String instanceKey, String node, int port) {}

  public ServiceEntry {
    endpoints = List.copyOf(endpoints);
    providers = List.copyOf(providers);
  }
}
