package glow.actors.expose;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.settings.ConnectionPoolSettings;
import akka.event.Logging;
import akka.stream.Materializer;
import akka.event.LoggingAdapter;
import glow.conf.snapshot.ServiceKey;
import glow.proxy.Endpoint;
import glow.proxy.EndpointState;
import glow.proxy.Upstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Answers the requests of one http listener: picks the route, an endpoint of its service with the
 * Upstream's balancer, and forwards over akka-http's client connection pool of that endpoint (one
 * pool per endpoint, kept by akka-http); one per bound http listener. The hot path reads immutable
 * snapshots (routes, upstreams, pool) and never asks an actor.
 *
 * <p>Answers from Glow itself: 404 when no route matches (names the host and path), 503 when the
 * service has no healthy endpoint, 502 when every attempt failed. A failed attempt (no response:
 * connect refused, reset) counts against the endpoint and is retried on an endpoint not tried yet,
 * up to the upstream's connect attempts, when the request body is already in memory; a 5xx answer
 * is passed on and counts against the endpoint.
 */
final class EdgeHandler {
  private static final InetSocketAddress UNKNOWN_CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  // Glow's synthetic headers, and the hop-by-hop ones a proxy must not pass on (RFC 9110 7.6.1): a
  // client's "Connection: close" forwarded made the endpoint close the pooled connection after each
  // answer, and the next request on it could meet a reset (a 502, seen with the JDK's HttpServer)
  private static final List<String> DROPPED = List.of("timeout-access", "remote-address", "raw-request-uri",
      "connection", "keep-alive", "proxy-connection");

  private final Http http;
  private final Materializer materializer;
  private final Executor dispatcher;
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter log;
  private final Supplier<HttpRoutes> routes;
  private final Supplier<Map<ServiceKey, Upstream>> upstreams;
  private final String scheme;
  private final EdgeMetrics metrics;

  /**
   * @param scheme    "http" or "https": what X-Forwarded-Proto says
   * @param routes    the listener's current routes
   * @param upstreams the node's http-expose upstreams, by service
   * @param listener  the listener's name in metrics ({@code http 127.0.0.1:8080})
   */
  EdgeHandler(ActorSystem<?> system, ConnectionPoolSettings pool, String scheme, Supplier<HttpRoutes> routes,
              Supplier<Map<ServiceKey, Upstream>> upstreams, String listener) {
    this.metrics = new EdgeMetrics(listener);
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.dispatcher = system.executionContext();
    this.pool = pool;
    this.log = Logging.getLogger(system.classicSystem(), EdgeHandler.class);
    this.scheme = scheme;
    this.routes = routes;
    this.upstreams = upstreams;
  }

  CompletionStage<HttpResponse> handle(HttpRequest request) {
    long start = System.nanoTime();
    String host = request.getHeader(akka.http.javadsl.model.headers.Host.class)
        .map(h -> h.host().address() + (h.port() == 0 ? "" : ":" + h.port()))
        .orElse(request.getUri().host().address());
    String path = request.getUri().path();
    HttpRoute route = routes.get().choose(host, path);
    if (route == null) {
      request.discardEntityBytes(materializer);
      metrics.answered(null, 404, true, System.nanoTime() - start);
      return done(glow(404, "glow: no expose on this listener routes host \"" + HttpRoutes.hostOnly(host)
          + "\" and path \"" + path + "\""));
    }
    Upstream upstream = upstreams.get().get(route.target());
    if (upstream == null || upstream.pool().available().isEmpty()) {
      request.discardEntityBytes(materializer);
      metrics.answered(route.expose(), 503, true, System.nanoTime() - start);
      return done(glow(503, "glow: no healthy endpoint of " + route.target() + " (expose " + route.expose() + ")"));
    }
    InetSocketAddress client = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(a -> new InetSocketAddress(a, 0))
        .orElse(UNKNOWN_CLIENT);
    HttpRequest out = forwarded(request, client, host);
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    attempt(out, route, upstream, client, new ArrayList<>(2), result, null, start);
    return result;
  }

  private void attempt(HttpRequest request, HttpRoute route, Upstream upstream, InetSocketAddress client,
                       List<EndpointState> tried, CompletableFuture<HttpResponse> result, Throwable last, long start) {
    // a streamed body can be sent once: only a body already in memory may go to a second endpoint
    boolean retryable = request.entity().isStrict();
    List<EndpointState> candidates = new ArrayList<>(upstream.pool().available());
    candidates.removeAll(tried);
    if (candidates.isEmpty() || tried.size() >= upstream.settings().maxConnectAttempts() || (!tried.isEmpty() && !retryable)) {
      HttpResponse answer = tried.isEmpty()
          ? glow(503, "glow: no healthy endpoint of " + route.target() + " (expose " + route.expose() + ")")
          : glow(502, "glow: " + tried.size() + " attempt(s) to reach " + route.target() + " (expose "
              + route.expose() + ") failed, last: " + (last == null ? "?" : last.getMessage()));
      metrics.answered(route.expose(), answer.status().intValue(), true, System.nanoTime() - start);
      result.complete(answer);
      return;
    }
    EndpointState chosen = tried.isEmpty()
        ? upstream.balancer().choose(candidates, client)
        : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    if (!candidates.contains(chosen)) chosen = candidates.get(0);
    EndpointState target = chosen;
    Endpoint e = target.endpoint();
    HttpRequest toEndpoint = request.withUri(request.getUri().scheme("http").host(e.host()).port(e.port()));
    target.acquire(); // least-connections sees requests in flight
    // whenComplete on akka's CompletionStage runs async on the common pool, which on a 2-core machine
    // starts a thread per task (seen: ~600 µs of CPU per request); run it on Akka's dispatcher
    http.singleRequest(toEndpoint, http.defaultClientHttpsContext(), pool, log).whenCompleteAsync((response, failure) -> {
      target.release();
      if (failure == null) {
        if (response.status().intValue() >= 500) upstream.reportFailure(e);
        else upstream.reportSuccess(e);
        metrics.answered(route.expose(), response.status().intValue(), false, System.nanoTime() - start);
        result.complete(response);
      } else {
        upstream.reportFailure(e);
        tried.add(target);
        attempt(request, route, upstream, client, tried, result, failure, start);
      }
    }, dispatcher);
  }

  /** The request as the endpoint sees it: Glow's synthetic headers dropped, X-Forwarded-* set. */
  private HttpRequest forwarded(HttpRequest request, InetSocketAddress client, String host) {
    String priorFor = null;
    List<HttpHeader> headers = new ArrayList<>();
    for (HttpHeader h : request.getHeaders()) {
      String n = h.lowercaseName();
      if (DROPPED.contains(n) || n.equals("x-forwarded-proto") || n.equals("x-forwarded-host")) continue;
      if (n.equals("x-forwarded-for")) {
        priorFor = h.value();
        continue;
      }
      headers.add(h);
    }
    String ip = client.getAddress().getHostAddress();
    headers.add(RawHeader.create("X-Forwarded-For", priorFor == null ? ip : priorFor + ", " + ip));
    headers.add(RawHeader.create("X-Forwarded-Proto", scheme));
    headers.add(RawHeader.create("X-Forwarded-Host", host));
    return request.withHeaders(headers);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static HttpResponse glow(int status, String message) {
    return HttpResponse.create().withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, message + "\n"));
  }
}
