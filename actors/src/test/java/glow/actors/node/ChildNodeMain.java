package glow.actors.node;

import akka.actor.Address;
import glow.actors.cluster.Sharding;
import glow.actors.instance.InstanceSupervisor;
import glow.actors.registry.ServiceRegistry;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Glow node for crash tests, run in its own JVM: joins the seed under a given name,
 * hosts that node's instance supervisors as {@link RecordingSupervisor} entities (they answer
 * "running"), registers one endpoint, then runs until the test freezes or kills it. One per
 * child JVM.
 */
public final class ChildNodeMain {
  private ChildNodeMain() {}

  /** args: node name, seed "host:port", service ("billing:8080"), endpoint "host:port". */
  public static void main(String[] args) throws Exception {
    String[] seed = args[1].split(":");
    GlowNode node = GlowNode.start(TestNodes.settings(args[0],
        new Address("akka", NodeSettings.SYSTEM_NAME, seed[0], Integer.parseInt(seed[1]))),
        (ctx, n) -> Sharding.initInstanceSupervisors(n.system(), InstanceSupervisor.Command.class,
            ec -> RecordingSupervisor.create(ec.getEntityId(), received -> {}), new InstanceSupervisor.Stop()));
    node.whenUp().toCompletableFuture().get(60, TimeUnit.SECONDS);
    node.registry().tell(new ServiceRegistry.Register(args[2], args[3], args[0]));
    System.out.println("registered " + args[3] + " of " + args[2] + " as " + args[0]);
    node.system().getWhenTerminated().toCompletableFuture().get(); // the test kills this JVM
  }
}
