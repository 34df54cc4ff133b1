package glow.proxy;

import static glow.proxy.TestProxies.bind;
import static glow.proxy.TestProxies.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import glow.proxy.balance.Balancer;
import glow.proxy.balance.LeastConnections;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Counts what each of three real echo backends saw behind the proxy, for every balancer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BalancerDistributionTest {
  static final ActorTestKit testKit = TestProxies.testKit();
  private final List<Backend> backends = new ArrayList<>();

  @AfterAll static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach void startBackends() throws IOException {
    for (int i = 0; i < 3; i++) backends.add(Backend.start(Backend.Mode.ECHO));
  }

  @AfterEach void stopBackends() throws IOException {
    for (Backend b : backends) b.close();
  }

  private int[] distribute(String balancer, int connections) throws Exception {
    Upstream u = upstream("u-" + balancer, UpstreamSettings.defaults().withBalancer(balancer),
        backends.stream().map(Backend::endpoint).toArray(Endpoint[]::new));
    ProxyBinding b = bind(testKit, u);
    try {
      for (int i = 0; i < connections; i++) assertEquals("ping" + i, Client.roundTrip(b.localAddress(), "ping" + i));
    } finally {
      b.unbind().toCompletableFuture().join();
    }
    return backends.stream().mapToInt(x -> x.accepted.get()).toArray();
  }

  @Test void roundRobinGivesEveryBackendTheSameShare() throws Exception {
    assertEquals("[20, 20, 20]", Arrays.toString(distribute("round-robin", 60)));
  }

  @Test void leastConnectionsSpreadsSequentialConnectionsEvenly() throws Exception {
    assertEquals("[20, 20, 20]", Arrays.toString(distribute("least-connections", 60)));
  }

  @Test void leastConnectionsSendsNewConnectionsToTheLeastBusyBackend() throws Exception {
    Upstream u = upstream("u-lc-held", UpstreamSettings.defaults().withBalancer("least-connections"),
        backends.stream().map(Backend::endpoint).toArray(Endpoint[]::new));
    ProxyBinding b = bind(testKit, u);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 9; i++) {
        Socket s = Client.connect(b.localAddress());
        held.add(s);
        s.getOutputStream().write('x');
        assertEquals('x', s.getInputStream().read()); // connected through before the next one
      }
      assertEquals("[3, 3, 3]", Arrays.toString(backends.stream().mapToInt(x -> x.accepted.get()).toArray()));
    } finally {
      for (Socket s : held) s.close();
      b.unbind().toCompletableFuture().join();
    }
  }

  @Test void randomReachesEveryBackend() throws Exception {
    int[] counts = distribute("random", 90);
    for (int c : counts) assertTrue(c >= 10, "random gave " + Arrays.toString(counts));
  }

  @Test void powerOfTwoReachesEveryBackend() throws Exception {
    int[] counts = distribute("power-of-two", 90);
    for (int c : counts) assertTrue(c >= 10, "power-of-two gave " + Arrays.toString(counts));
    assertEquals(90, Arrays.stream(counts).sum());
  }

  @Test void clientHashSendsOneClientToOneBackend() throws Exception {
    int[] counts = distribute("client-hash", 30);
    Arrays.sort(counts);
    assertEquals("[0, 0, 30]", Arrays.toString(counts));
  }

  @Test void userBalancerIsLoadedByClassName() throws Exception {
    assertEquals("[0, 0, 12]", Arrays.toString(distribute(LastCandidateBalancer.class.getName(), 12)));
  }

  @Test void unknownBalancerNameSaysWhatToWrite() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Balancer.forName("fastest"));
    assertEquals("unknown balancer \"fastest\": use round-robin, least-connections, random, power-of-two, client-hash "
        + "or the class name of your own glow.proxy.balance.Balancer on the classpath", e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Balancer.forName("com.example.Missing"));
    assertEquals("balancer class com.example.Missing is not on the classpath: add its jar with "
        + "java -cp glow.jar:your.jar glow.app.Main ...", missing.getMessage());
    assertTrue(Balancer.forName("LEAST-CONNECTIONS") instanceof LeastConnections);
  }
}
