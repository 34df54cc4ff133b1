package glow.actors.instance;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import glow.actors.CborSerializable;
import glow.actors.cluster.PinnedEntityIds;
import java.time.Instant;
import java.util.Map;

/**
 * Makes one deployment file true on its node: fetches, configures, starts, health-checks,
 * restarts, replaces and stops one instance's process; one per instance (a sharded entity, id
 * {@code <node>/<app>#<n>}).
 */
public final class InstanceSupervisor extends AbstractBehavior<InstanceSupervisor.Command> {
  public sealed interface Command {}

  /**
   * Make the instance match the node's current snapshot: start it, reconfigure, replace (new
   * version/command/env/ports/limits), or stop it when the snapshot no longer has it. Idempotent;
   * the reconciler sends it often.
   */
  public record Ensure() implements Command, CborSerializable {}

  /** Deregister, drain, stop the process (TERM, grace, KILL to the group), then stop this actor. Also the sharding hand-off message. */
  public record Stop() implements Command, CborSerializable {}

  /** Restart the process now, replying when the new process has started. */
  public record Restart(ActorRef<StatusReply<Done>> replyTo) implements Command, CborSerializable {}

  public record GetStatus(ActorRef<InstanceStatus> replyTo) implements Command, CborSerializable {}

  public static Behavior<Command> create(String entityId, InstanceRuntime runtime) {
    return Behaviors.setup(ctx -> new InstanceSupervisor(ctx, entityId, runtime));
  }

  private final String key;
  private final InstanceRuntime runtime;

  private InstanceSupervisor(ActorContext<Command> ctx, String entityId, InstanceRuntime runtime) {
    super(ctx);
    this.key = PinnedEntityIds.instanceKey(entityId);
    this.runtime = runtime;
  }

  @Override
  public Receive<Command> createReceive() {
    // behaviour follows in the next commits; this commit fixes the protocol for the node agent
    return newReceiveBuilder()
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(new InstanceStatus(key, null, null, null, null, runtime.node(), "stopped",
              "not started yet", null, Map.of(), false, 0, null, null, null, null, Instant.now()));
          return this;
        })
        .onMessage(Stop.class, s -> Behaviors.stopped())
        .build();
  }
}
