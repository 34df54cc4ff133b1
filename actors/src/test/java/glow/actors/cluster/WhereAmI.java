package glow.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import glow.actors.CborSerializable;

/** A test entity that answers which node it runs on; stands in for the real InstanceSupervisor. */
public final class WhereAmI {
  private WhereAmI() {}

  public record Ask(ActorRef<Here> replyTo) implements CborSerializable {}

  public record Here(String entityId, String node) implements CborSerializable {}

  public static Behavior<Ask> create(String entityId, String node) {
    return Behaviors.receiveMessage(ask -> {
      ask.replyTo().tell(new Here(entityId, node));
      return Behaviors.same();
    });
  }
}
