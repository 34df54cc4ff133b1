package glow.actors.listener;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers the status of every listener for one {@link Listeners.GetListeners}; one short-lived
 * actor per query. A listener that does not answer in time (e.g. it is stopping) is shown with what
 * the parent knows of it.
 */
final class StatusQuery {
  private StatusQuery() {}

  private sealed interface Msg {}

  private record Answer(ListenerStatus status) implements Msg {}

  private enum Timeout implements Msg { INSTANCE }

  /**
   * @param ask      the live listeners by port
   * @param fallback per port, the status to show when its listener does not answer; plus the
   *                 listeners that have no actor (not started), shown as they are
   */
  static Behavior<?> create(Map<Integer, ActorRef<ProxyListener.Command>> ask, Map<Integer, ListenerStatus> fallback,
                               ActorRef<Listeners.Listing> replyTo, Duration timeout) {
    return Behaviors.<Msg>setup(ctx -> {
      Map<Integer, ListenerStatus> result = new HashMap<>(fallback);
      if (ask.isEmpty()) {
        replyTo.tell(listing(result));
        return Behaviors.stopped();
      }
      ActorRef<ListenerStatus> answers = ctx.messageAdapter(ListenerStatus.class, Answer::new);
      ask.values().forEach(l -> l.tell(new ProxyListener.GetStatus(answers)));
      return Behaviors.<Msg>withTimers(timers -> {
        timers.startSingleTimer(Timeout.INSTANCE, timeout);
        int[] waiting = {ask.size()};
        return Behaviors.receive(Msg.class)
            .onMessage(Answer.class, a -> {
              result.put(a.status().port(), a.status());
              if (--waiting[0] > 0) return Behaviors.same();
              replyTo.tell(listing(result));
              return Behaviors.stopped();
            })
            .onMessage(Timeout.class, t -> {
              replyTo.tell(listing(result));
              return Behaviors.stopped();
            })
            .build();
      });
    });
  }

  private static Listeners.Listing listing(Map<Integer, ListenerStatus> byPort) {
    List<ListenerStatus> all = new ArrayList<>(byPort.values());
    all.sort(Comparator.comparingInt(ListenerStatus::port));
    return new Listeners.Listing(List.copyOf(all));
  }
}
