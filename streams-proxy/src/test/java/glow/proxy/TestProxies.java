package glow.proxy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared set-up for proxy tests: a test kit with the proxy tuning, binding on port 0, polling. */
final class TestProxies {
  private TestProxies() {}

  static ActorTestKit testKit() {
    return ActorTestKit.create(ProxyTuning.config()
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.load()));
  }

  static Upstream upstream(String name, UpstreamSettings settings, Endpoint... endpoints) {
    Upstream u = new Upstream(name, settings);
    u.setEndpoints(List.of(endpoints));
    return u;
  }

  static ProxyBinding bind(ActorTestKit kit, ListenerSettings settings, Upstream primary, Upstream fallback) {
    return TcpProxy.bind(kit.system(), settings, primary, fallback).toCompletableFuture().join();
  }

  static ProxyBinding bind(ActorTestKit kit, Upstream primary) {
    return bind(kit, ListenerSettings.of("test", "127.0.0.1", 0), primary, null);
  }

  /** Polls {@code condition} every 10 ms until it holds or {@code within} passes. */
  static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(10); // polling interval, not a wait for an event
    }
  }
}
