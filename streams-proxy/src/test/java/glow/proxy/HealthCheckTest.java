package glow.proxy;

import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.util.ByteString;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Active health checks against real backends that go away, come back, and answer 200 or 503. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthCheckTest {
  static final ActorTestKit testKit = TestProxies.testKit();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  private static HealthCheck fast(HealthCheck hc) {
    return hc.withInterval(Duration.ofMillis(100)).withTimeout(Duration.ofMillis(300)).withRiseFall(2, 3);
  }

  @Test void tcpCheckMarksAnEndpointDownAfterFallFailuresAndUpAfterRiseSuccesses() throws Exception {
    Backend backend = Backend.start(Backend.Mode.ECHO);
    int port = backend.port();
    Upstream u = upstream("u-hc-tcp", UpstreamSettings.defaults().withHealthCheck(fast(HealthCheck.tcp())), backend.endpoint());
    EndpointState state = u.stateOf(backend.endpoint());
    u.startHealthChecks(testKit.system());
    try {
      TestProxies.await("checked twice", Duration.ofSeconds(5), () -> backend.accepted.get() >= 2);
      assertTrue(state.healthy());
      backend.close();
      TestProxies.await("marked down", Duration.ofSeconds(5), () -> !state.healthy());
      assertTrue(u.pool().available().isEmpty());
      Backend again = Backend.start(Backend.Mode.ECHO, port);
      try {
        TestProxies.await("marked up", Duration.ofSeconds(5), state::healthy);
        assertEquals(1, u.pool().available().size());
        // a check counts as soon as the kernel completes its connect, before the backend's accept loop
        // has counted it: stop checking, then let the backend catch up with what is in its backlog
        u.close();
        TestProxies.await("rise = 2: two checks accepted before up", Duration.ofSeconds(5),
            () -> again.accepted.get() >= 2);
      } finally {
        again.close();
      }
    } finally {
      u.close();
    }
  }

  @Test void httpCheckFollowsTheStatusCode() throws Exception {
    try (Backend http = Backend.start(Backend.Mode.HTTP)) {
      Upstream u = upstream("u-hc-http", UpstreamSettings.defaults().withHealthCheck(fast(HealthCheck.parse("http:/healthz"))),
          http.endpoint());
      EndpointState state = u.stateOf(http.endpoint());
      u.startHealthChecks(testKit.system());
      try {
        TestProxies.await("checked", Duration.ofSeconds(5), () -> http.accepted.get() >= 3);
        assertTrue(state.healthy());
        http.httpStatus = 503;
        TestProxies.await("marked down on 503", Duration.ofSeconds(5), () -> !state.healthy());
        int checksWhenDown = http.accepted.get();
        http.httpStatus = 204;
        TestProxies.await("marked up on 204", Duration.ofSeconds(5), state::healthy);
        assertTrue(http.accepted.get() - checksWhenDown >= 2);
      } finally {
        u.close();
      }
    }
  }

  @Test void httpCheckTreatsAHangingServerAsDown() throws Exception {
    try (Backend hang = Backend.start(Backend.Mode.HANG)) {
      Upstream u = upstream("u-hc-hang", UpstreamSettings.defaults().withHealthCheck(fast(HealthCheck.http("/"))), hang.endpoint());
      u.startHealthChecks(testKit.system());
      try {
        TestProxies.await("marked down", Duration.ofSeconds(5), () -> !u.stateOf(hang.endpoint()).healthy());
      } finally {
        u.close();
      }
    }
  }

  @Test void statusLineParsingAndFlagErrors() {
    assertTrue(HealthChecker.isGoodStatus(ByteString.fromString("HTTP/1.1 200 OK\r\n")));
    assertTrue(HealthChecker.isGoodStatus(ByteString.fromString("HTTP/1.0 302 Found\r\n")));
    assertFalse(HealthChecker.isGoodStatus(ByteString.fromString("HTTP/1.1 500 Oops\r\n")));
    assertFalse(HealthChecker.isGoodStatus(ByteString.fromString("SSH-2.0-OpenSSH\r\n")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HealthCheck.parse("ping"));
    assertEquals("health check \"ping\" is not tcp or http:/path (write e.g. http:/healthz)", e.getMessage());
  }
}
