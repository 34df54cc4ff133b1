package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import glow.api.logs.LogEntry;
import glow.api.logs.LogFilter;
import glow.api.logs.LogServer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/logs}: the lines of every node merged by time, as server-sent events
 * ({@code Accept: text/event-stream}) or JSON lines; with {@code follow=true} the stream stays open
 * and new lines follow. One per API; per request it fans out to every node's {@link LogServer}
 * (found by path on every member, {@link ClusterPeers}), each answering from its node's recent lines.
 */
final class LogsRoute extends AllDirectives {
  /** Lines one request returns at most before following (the latest ones). */
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  /** Lines buffered per follower before the oldest are dropped (a slow client never slows a node). */
  private static final int FOLLOW_BUFFER = 2048;
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final ContentType NDJSON = ContentTypes.parse("application/x-ndjson");

  private final ApiContext c;

  LogsRoute(ApiContext c) {
    this.c = c;
  }

  Route route() {
    return parameterMap(params -> optionalHeaderValueByName("Accept", accept -> {
      Request r;
      try {
        r = Request.parse(params, Instant.now());
      } catch (IllegalArgumentException e) {
        return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage(),
            "parameters: app, instance, node, since (10m, 30s, 2h or 2026-11-22T01:00:00Z), follow=true|false, limit (0-"
                + MAX_LIMIT + ")"));
      }
      boolean sse = accept.map(a -> a.contains("text/event-stream")).orElse(false);
      return respond(r, servers(), sse);
    }));
  }

  /** The parsed query parameters. */
  record Request(LogFilter filter, Instant since, boolean follow, int limit) {
    static Request parse(Map<String, String> p, Instant now) {
      for (String key : p.keySet()) {
        if (!List.of("app", "instance", "node", "since", "follow", "limit").contains(key)) {
          throw new IllegalArgumentException("unknown parameter \"" + key + "\"");
        }
      }
      Instant since = p.containsKey("since") ? since(p.get("since"), now) : Instant.EPOCH;
      String f = p.getOrDefault("follow", "false");
      if (!f.equals("true") && !f.equals("false")) throw new IllegalArgumentException("follow must be true or false, not \"" + f + "\"");
      int limit;
      try {
        limit = Integer.parseInt(p.getOrDefault("limit", String.valueOf(DEFAULT_LIMIT)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit must be a number, not \"" + p.get("limit") + "\"");
      }
      if (limit < 0 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 0-" + MAX_LIMIT + ", not " + limit);
      return new Request(new LogFilter(p.get("app"), p.get("instance"), p.get("node")), since, f.equals("true"), limit);
    }

    /** "10m" back from now, or an ISO-8601 instant. */
    static Instant since(String s, Instant now) {
      Matcher m = DURATION.matcher(s.trim());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
        return now.minus(d);
      }
      try {
        return Instant.parse(s.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("since must be a duration (10m, 30s, 2h, 1d) or an instant "
            + "(2026-11-22T01:00:00Z), not \"" + s + "\"");
      }
    }
  }

  /** This node's log server and the other members'. */
  private List<ActorRef<LogServer.Command>> servers() {
    List<ActorRef<LogServer.Command>> all = new ArrayList<>(ClusterPeers.of(c.system(), c.logServer()));
    all.add(0, c.logServer());
    return all;
  }

  /** One node's answer, or the warning that it gave none in time. */
  private record Answer(List<LogEntry> lines, String warning) {}

  private Route respond(Request r, List<ActorRef<LogServer.Command>> servers, boolean sse) {
    Source<Object, akka.NotUsed> live = Source.empty();
    if (r.follow()) {
      // subscribe before asking for history, so no line falls between the two; duplicates are dropped below
      Pair<akka.actor.ActorRef, Source<Object, akka.NotUsed>> pre = Source.actorRef(
          m -> Optional.empty(), m -> Optional.empty(), FOLLOW_BUFFER, OverflowStrategy.dropHead())
          .preMaterialize(c.system());
      ActorRef<LogEntry> follower = Adapter.toTyped(pre.first());
      servers.forEach(s -> s.tell(new LogServer.Follow(r.filter(), follower)));
      live = pre.second();
    }
    List<CompletableFuture<Answer>> asks = new ArrayList<>();
    for (ActorRef<LogServer.Command> s : servers) {
      asks.add(AskPattern.<LogServer.Command, LogServer.Lines>ask(s,
              reply -> new LogServer.Query(r.filter(), r.since(), Math.max(r.limit(), 1), reply),
              c.settings().askTimeout(), c.system().scheduler())
          .thenApply(l -> new Answer(l.lines(), null))
          .exceptionally(e -> new Answer(List.of(), "node at " + s.path().address() + " did not answer within "
              + c.settings().askTimeout().toMillis() + " ms; its lines are missing"))
          .toCompletableFuture());
    }
    CompletionStage<List<Object>> history = CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<LogEntry> all = new ArrayList<>();
      List<Object> out = new ArrayList<>();
      for (CompletableFuture<Answer> a : asks) {
        all.addAll(a.join().lines());
        if (a.join().warning() != null) out.add(new Warning(a.join().warning()));
      }
      all.sort(null);
      out.addAll(all.subList(Math.max(0, all.size() - r.limit()), all.size()));
      return out;
    });
    Set<LogEntry> seen = new HashSet<>();
    Source<Object, akka.NotUsed> lines = Source.completionStage(history)
        .mapConcat(h -> {
          h.forEach(o -> { if (o instanceof LogEntry e) seen.add(e); });
          return h;
        })
        .concat(live.filter(o -> !seen.contains(o)));
    if (sse) {
      return completeOK(lines.map(LogsRoute::event).keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat),
          EventStreamMarshalling.toEventStream());
    }
    Source<ByteString, akka.NotUsed> body = lines.map(o -> ByteString.fromString(Json.write(o) + "\n"));
    return complete(HttpResponse.create().withEntity(HttpEntities.createChunked(NDJSON, body)));
  }

  /** A line that tells the client part of the answer is missing. */
  record Warning(String warning) {}

  private static ServerSentEvent event(Object o) {
    return ServerSentEvent.create(Json.write(o), o instanceof Warning ? "warning" : "log");
  }
}
