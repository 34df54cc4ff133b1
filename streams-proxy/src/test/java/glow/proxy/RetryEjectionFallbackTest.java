package glow.proxy;

import static glow.proxy.TestProxies.bind;
import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connect retries, passive outlier ejection and the fallback upstream, against real failing backends. */
class RetryEjectionFallbackTest {
  static final ActorTestKit testKit = TestProxies.testKit();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void noDownstreamFailsOverAThousandConnectsWhileOneOfTwoBackendsRefuses() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO)) {
      Endpoint refusing = Backend.refusing();
      // An ejection threshold out of reach: every other connect meets the refusal and must be retried.
      Upstream u = upstream("u-refuse", UpstreamSettings.defaults()
          .withEjection(1_000_000, Duration.ofSeconds(1), Duration.ofSeconds(1), 50), refusing, echo.endpoint());
      ProxyBinding b = bind(testKit, u);
      int failed = 0;
      for (int i = 0; i < 1000; i++) {
        if (!("m" + i).equals(Client.roundTrip(b.localAddress(), "m" + i))) failed++;
      }
      assertEquals(0, failed);
      assertEquals(1000, echo.accepted.get());
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void retriesOnNextEndpointWhenTheFirstConnectTimesOut() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO); ServerSocket hole = Backend.blackHole()) {
      Endpoint stuck = new Endpoint("127.0.0.1", hole.getLocalPort());
      Upstream u = upstream("u-timeout", UpstreamSettings.defaults().withConnectTimeout(Duration.ofMillis(300)), stuck, echo.endpoint());
      ProxyBinding b = bind(testKit, u);
      for (int i = 0; i < 4; i++) assertEquals("t" + i, Client.roundTrip(b.localAddress(), "t" + i));
      assertEquals(4, echo.accepted.get());
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void ejectsAnEndpointAfterConsecutiveFailuresAndReadmitsItAfterTheEjectionTime() throws Exception {
    try (Backend echo = Backend.start(Backend.Mode.ECHO)) {
      Endpoint refusing = Backend.refusing();
      Upstream u = upstream("u-eject", UpstreamSettings.defaults()
          .withEjection(3, Duration.ofMillis(400), Duration.ofSeconds(5), 50), refusing, echo.endpoint());
      ProxyBinding b = bind(testKit, u);
      long start = System.nanoTime();
      for (int i = 0; i < 6; i++) assertEquals("e" + i, Client.roundTrip(b.localAddress(), "e" + i));
      EndpointState state = u.stateOf(refusing);
      assertTrue(state.ejected(), "ejected after 3 refusals in a row: " + u);
      assertEquals(List.of(u.stateOf(echo.endpoint())), u.pool().available());
      // While ejected, connections go straight to the good endpoint: no more refusals counted.
      for (int i = 0; i < 5; i++) assertEquals("x" + i, Client.roundTrip(b.localAddress(), "x" + i));
      assertEquals(0, state.consecutiveFailures());
      TestProxies.await("readmitted", Duration.ofSeconds(5), () -> u.pool().available().size() == 2);
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(400).toNanos());
      // It fails again: the second ejection lasts twice as long.
      for (int i = 0; i < 6 && !state.ejected(); i++) Client.roundTrip(b.localAddress(), "again");
      assertTrue(state.ejected(), "ejected again: " + u);
      assertEquals(Duration.ofMillis(800), Upstream.ejectionTime(u.settings(), 1));
      assertEquals(Duration.ofSeconds(5), Upstream.ejectionTime(u.settings(), 10));
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void neverEjectsMoreThanTheMaxEjectionShare() throws Exception {
    Endpoint a = Backend.refusing();
    Endpoint c = Backend.refusing();
    Upstream u = upstream("u-share", UpstreamSettings.defaults()
        .withEjection(1, Duration.ofSeconds(10), Duration.ofSeconds(10), 50), a, c);
    for (int i = 0; i < 5; i++) {
      u.reportFailure(a);
      u.reportFailure(c);
    }
    assertEquals(1, u.pool().all().stream().filter(EndpointState::ejected).count(), u.toString());
    assertEquals(1, u.pool().available().size());
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void reportedFailuresEjectLikeConnectFailures() throws Exception {
    Endpoint a = new Endpoint("127.0.0.1", 1001);
    Endpoint c = new Endpoint("127.0.0.1", 1002);
    Upstream u = upstream("u-report", UpstreamSettings.defaults()
        .withEjection(2, Duration.ofSeconds(10), Duration.ofSeconds(10), 50), a, c);
    u.reportFailure(a);
    u.reportSuccess(a);
    u.reportFailure(a);
    assertFalse(u.stateOf(a).ejected(), "a success in between resets the run");
    u.reportFailure(a);
    assertTrue(u.stateOf(a).ejected());
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void fallsBackToTheFallbackUpstreamWhenThePrimaryHasNoWorkingEndpoint() throws Exception {
    try (Backend fallbackBackend = Backend.start(Backend.Mode.ECHO)) {
      Upstream primary = upstream("primary", UpstreamSettings.defaults(), Backend.refusing(), Backend.refusing());
      Upstream fallback = upstream("fallback", UpstreamSettings.defaults(), fallbackBackend.endpoint());
      ProxyBinding b = bind(testKit, ListenerSettings.of("fb", "127.0.0.1", 0), primary, fallback);
      for (int i = 0; i < 5; i++) assertEquals("f" + i, Client.roundTrip(b.localAddress(), "f" + i));
      assertEquals(5, fallbackBackend.accepted.get());
      // An empty primary goes to the fallback straight away.
      primary.setEndpoints(List.of());
      assertEquals("empty", Client.roundTrip(b.localAddress(), "empty"));
      assertEquals(6, fallbackBackend.accepted.get());
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void closesTheDownstreamCleanlyWhenEveryAttemptFails() throws Exception {
    Upstream u = upstream("u-dead", UpstreamSettings.defaults(), Backend.refusing(), Backend.refusing());
    ProxyBinding b = bind(testKit, u);
    try (Socket s = Client.connect(b.localAddress())) {
      s.getOutputStream().write("hello".getBytes());
      assertEquals(-1, s.getInputStream().read(), "EOF, not a reset");
    }
    TestProxies.await("connection ended", Duration.ofSeconds(5), () -> b.activeConnections() == 0);
    b.unbind().toCompletableFuture().join();
  }
}
