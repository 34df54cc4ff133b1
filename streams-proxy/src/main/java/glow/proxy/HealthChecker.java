package glow.proxy;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.stream.Materializer;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs the active health checks of one {@link Upstream} on the actor system's scheduler, off the
 * connection path; one per upstream that checks. Each tick checks every endpoint that has no check
 * in flight, with Akka Streams TCP (no blocking thread), and reports results to the upstream.
 */
final class HealthChecker {
  /** The status line of an HTTP answer is looked for in at most this many bytes. */
  private static final int MAX_STATUS_LINE = 4096;

  private final Upstream upstream;
  private final HealthCheck check;
  private final Tcp tcp;
  private final Materializer materializer;
  private final Cancellable ticks;

  HealthChecker(Upstream upstream, HealthCheck check, ActorSystem<?> system) {
    this.upstream = upstream;
    this.check = check;
    this.tcp = Tcp.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.ticks = system.scheduler().scheduleWithFixedDelay(
        java.time.Duration.ZERO, check.interval(), this::tick, system.executionContext());
  }

  void stop() {
    ticks.cancel();
  }

  private void tick() {
    for (EndpointState s : upstream.startChecks()) {
      CompletionStage<Boolean> result;
      try {
        result = check.kind() == HealthCheck.Kind.TCP ? connects(s) : answersHttp(s);
      } catch (RuntimeException e) {
        result = CompletableFuture.completedFuture(false);
      }
      result.whenComplete((ok, failure) -> upstream.checked(s, failure == null && ok, check));
    }
  }

  /** Up when a TCP connect succeeds within the timeout; the connection is closed at once. */
  private CompletionStage<Boolean> connects(EndpointState s) {
    // Source.maybe keeps the write side open until connected (an empty source would end the connect).
    Pair<CompletableFuture<Optional<ByteString>>, CompletionStage<Tcp.OutgoingConnection>> m =
        Source.<ByteString>maybe()
            .viaMat(tcp.outgoingConnection(s.address, Optional.empty(), TcpProxy.SOCKET_OPTIONS, true,
                Optional.of(check.timeout()), Optional.of(check.timeout().multipliedBy(2))), Keep.both())
            .to(Sink.ignore())
            .run(materializer);
    return m.second().handle((connection, failure) -> {
      m.first().complete(Optional.empty());
      return failure == null;
    });
  }

  /** Up when {@code GET path} answers 2xx or 3xx within the timeout. */
  private CompletionStage<Boolean> answersHttp(EndpointState s) {
    String host = s.endpoint().toString();
    ByteString request = ByteString.fromString("GET " + check.path() + " HTTP/1.1\r\nHost: " + host
        + "\r\nUser-Agent: glow-health\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII);
    return Source.single(request)
        .via(tcp.outgoingConnection(s.address, Optional.empty(), TcpProxy.SOCKET_OPTIONS, true,
            Optional.of(check.timeout()), Optional.empty()))
        .scan(ByteString.emptyByteString(), ByteString::concat)
        .dropWhile(b -> b.indexOf((byte) '\n') < 0 && b.size() < MAX_STATUS_LINE)
        .completionTimeout(check.timeout())
        .runWith(Sink.headOption(), materializer)
        .thenApply(first -> first.map(HealthChecker::isGoodStatus).orElse(false));
  }

  /** True for a status line {@code HTTP/1.x 2xx} or {@code 3xx}. */
  static boolean isGoodStatus(ByteString head) {
    String line = head.utf8String();
    int end = line.indexOf('\n');
    if (end >= 0) line = line.substring(0, end);
    String[] parts = line.trim().split(" ");
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) return false;
    return parts[1].length() == 3 && (parts[1].charAt(0) == '2' || parts[1].charAt(0) == '3');
  }
}
