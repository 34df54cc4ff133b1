package glow.actors.registry;

import akka.actor.Address;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeSettings;
import glow.actors.node.TestNodes;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Glow node for the crash tests, run in its own JVM: joins the seed, registers one
 * endpoint, then runs until the test freezes or kills it. One per child JVM.
 */
public final class RegistryNodeMain {
  private RegistryNodeMain() {}

  /** args: node name, seed "host:port", service ("billing:8080"), endpoint "host:port". */
  public static void main(String[] args) throws Exception {
    String[] seed = args[1].split(":");
    GlowNode node = GlowNode.start(TestNodes.settings(args[0],
        new Address("akka", NodeSettings.SYSTEM_NAME, seed[0], Integer.parseInt(seed[1]))));
    node.whenUp().toCompletableFuture().get(60, TimeUnit.SECONDS);
    node.registry().tell(new ServiceRegistry.Register(args[2], args[3], args[0]));
    System.out.println("registered " + args[3] + " of " + args[2] + " as " + args[0]);
    node.system().getWhenTerminated().toCompletableFuture().get(); // the test kills this JVM
  }
}
