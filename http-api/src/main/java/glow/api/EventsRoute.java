package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import glow.api.events.InstanceEvent;
import glow.api.events.RepoVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /api/events}: server-sent events of every instance state change in the cluster
 * ({@code event: instance}) and of every new repo version or problem list on this node
 * ({@code event: repo}); one per API, one source per client. A client that cannot keep up loses
 * the oldest events (it should re-read {@code /api/instances}), never slows a node.
 */
final class EventsRoute extends AllDirectives {
  private static final int BUFFER = 512;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final ApiContext c;

  EventsRoute(ApiContext c) {
    this.c = c;
  }

  Route route() {
    Pair<akka.actor.ActorRef, Source<Object, akka.NotUsed>> pre = Source.actorRef(
        m -> Optional.empty(), m -> Optional.empty(), BUFFER, OverflowStrategy.dropHead())
        .preMaterialize(c.system());
    ActorRef<Object> ref = Adapter.toTyped(pre.first());
    // both unsubscribe by themselves when the source's actor stops (the client went away)
    c.system().eventStream().tell(new EventStream.Subscribe<>(InstanceEvent.class, ref.<InstanceEvent>narrow()));
    c.system().eventStream().tell(new EventStream.Subscribe<>(RepoVersion.class, ref.<RepoVersion>narrow()));
    RepoVersion now = c.repo().get();
    Source<Object, akka.NotUsed> first = now == null ? Source.empty() : Source.single(now);
    Source<ServerSentEvent, akka.NotUsed> events = first.concat(pre.second()).map(EventsRoute::toEvent)
        .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat);
    return completeOK(events, EventStreamMarshalling.toEventStream());
  }

  private static ServerSentEvent toEvent(Object o) {
    if (o instanceof InstanceEvent e) return ServerSentEvent.create(Json.write(Views.instance(e.status(), Instant.now())), "instance");
    return ServerSentEvent.create(Json.write(o), "repo");
  }
}
