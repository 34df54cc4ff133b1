package glow.proxy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The Akka settings the proxy was tuned with (see docs/proxy.md for the measurements); a constant
 * holder, no instances. Layer it over the actor system's config:
 * {@code ProxyTuning.config().withFallback(ConfigFactory.load())}. Kept out of reference.conf so that
 * merely having streams-proxy on the classpath changes nobody's Akka defaults.
 */
public final class ProxyTuning {
  private ProxyTuning() {}

  public static Config config() {
    return ConfigFactory.parseResources(ProxyTuning.class, "/glow-proxy-tuning.conf");
  }
}
