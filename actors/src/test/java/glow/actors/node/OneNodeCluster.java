package glow.actors.node;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import glow.actors.registry.ServiceRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A one-node cluster for one test class: a bare {@link GlowNode} (no NodeServices) named as given,
 * joining itself on 127.0.0.1 at any port with {@link TestNodes}' fast timings, Up before the class's
 * first test and stopped after its last; one per test class, registered as
 * {@code @RegisterExtension static final OneNodeCluster cluster = new OneNodeCluster("n1");}.
 * For nodes with everything NodeServices starts, see {@link FullNode}.
 */
public final class OneNodeCluster implements BeforeAllCallback, AfterAllCallback {
  /** Seconds the node may take to be Up: generous, as the build shares 2 cores with other JVMs. */
  private static final int UP_WITHIN_SECONDS = 20;

  private final String name;
  private GlowNode node;
  private ActorTestKit testKit;

  public OneNodeCluster(String name) {
    this.name = name;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    node = GlowNode.start(TestNodes.settings(name, null));
    testKit = ActorTestKit.create(node.system());
    node.whenUp().toCompletableFuture().get(UP_WITHIN_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // JUnit calls this even when beforeAll failed: stop whatever was started
    if (testKit != null) {
      testKit.shutdownTestKit(); // terminates the node's actor system, and so the node
    } else if (node != null) {
      node.system().terminate();
    }
    testKit = null;
    node = null;
  }

  public String name() {
    return name;
  }

  public GlowNode node() {
    return node;
  }

  /** A test kit on the node's own actor system: what it spawns runs inside the cluster. */
  public ActorTestKit testKit() {
    return testKit;
  }

  public ActorRef<ServiceRegistry.Command> registry() {
    return node.registry();
  }
}
