package glow.actors.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import glow.actors.cluster.PinnedEntityIds;
import glow.actors.instance.InstanceStatus;
import glow.actors.instance.InstanceSupervisor;
import java.time.Instant;
import java.util.Map;

/**
 * A test entity speaking the supervisor protocol: reports every Ensure and Stop it receives to a
 * probe, answers GetStatus with "running", stops on Stop; one per entity id. Lets agent tests check
 * what the agent sends without running processes.
 */
final class RecordingSupervisor {
  private RecordingSupervisor() {}

  /** What one entity received: "Ensure" or "Stop". */
  record Received(String entityId, String message) {}

  static Behavior<InstanceSupervisor.Command> create(String entityId, java.util.function.Consumer<Received> probe) {
    return Behaviors.receive(InstanceSupervisor.Command.class)
        .onMessage(InstanceSupervisor.Ensure.class, e -> {
          probe.accept(new Received(entityId, "Ensure"));
          return Behaviors.same();
        })
        .onMessage(InstanceSupervisor.Stop.class, s -> {
          probe.accept(new Received(entityId, "Stop"));
          return Behaviors.stopped();
        })
        .onMessage(InstanceSupervisor.GetStatus.class, g -> {
          g.replyTo().tell(new InstanceStatus(PinnedEntityIds.instanceKey(entityId), null, null, null, null,
              PinnedEntityIds.node(entityId), "running", "test entity", 42L, Map.of(), true, 0, null, null, null,
              null, Instant.now()));
          return Behaviors.same();
        })
        .build();
  }
}
