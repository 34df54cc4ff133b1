package glow.api;

import akka.actor.InvalidActorNameException;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.api.events.RepoVersion;
import glow.api.http.Tls;
import glow.api.logs.LogServer;
import glow.api.metrics.MetricsText;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The management API of one node: its HTTP(S) binding, and the node actors it needs (the log
 * server other nodes' APIs query, the relay of instance events); one per node. Start it after the
 * node has started; it unbinds when the node's actor system terminates, or on {@link #close()}.
 * With {@code glow.node.bootstrap} it also serves the bootstrap's routes and starts the bootstrap,
 * which is how such a node joins.
 */
public final class GlowApi implements AutoCloseable {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger STARTED = new AtomicInteger();

  private final ServerBinding binding;
  private final MetricsText metrics;
  private final ActorRef<ApiActors.Stop> actors;
  private final boolean https;

  private GlowApi(ServerBinding binding, MetricsText metrics, ActorRef<ApiActors.Stop> actors, boolean https) {
    this.binding = binding;
    this.metrics = metrics;
    this.actors = actors;
    this.https = https;
  }

  /**
   * Spawns the API's node actors and binds {@code settings.host():settings.port()}.
   *
   * @param logs the node's log hub, which the node's log server answers from
   * @throws IllegalStateException when the address cannot be bound (names it and says what to do)
   * @throws IllegalArgumentException when the TLS files are unusable
   */
  public static GlowApi start(GlowNode node, NodeServices services, NodeLogHub logs, ApiSettings settings) {
    // unusable TLS files fail before anything is started
    HttpsConnectionContext https = settings.tls() ? Tls.fromPem(settings.tlsCert().get(), settings.tlsKey().get()) : null;
    var system = node.system();
    String name = node.settings().name();
    AtomicReference<RepoVersion> repo = new AtomicReference<>();
    CompletableFuture<ApiActors.Started> started = new CompletableFuture<>();
    Behavior<ApiActors.Stop> behavior = ApiActors.create(name, logs, node.settings().dataDir().resolve("logs"),
        services.topic(), repo, started);
    ActorRef<ApiActors.Stop> actors;
    try {
      // the same path on every node: that is how the other nodes' APIs find this one's actors
      actors = system.systemActorOf(behavior, "glow-api", Props.empty());
    } catch (InvalidActorNameException taken) { // a second API on one node (tests): reachable from this node only
      actors = system.systemActorOf(behavior, "glow-api-" + STARTED.incrementAndGet(), Props.empty());
    }
    ActorRef<LogServer.Command> logServer;
    try {
      logServer = started.get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).logServer();
    } catch (ExecutionException | TimeoutException e) {
      actors.tell(ApiActors.Stop.INSTANCE);
      throw new IllegalStateException("the API's actors did not start: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the API", e);
    }
    MetricsText metrics = new MetricsText();
    ApiContext context = new ApiContext(node, services, settings, repo, logServer, metrics,
        node.settings().repo().orElse("(none)"));
    ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
    if (https != null) server = server.enableHttps(https);
    try {
      ServerBinding binding = server.bind(new ApiRoutes(context).route()).toCompletableFuture()
          .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // the routes above include /bootstrap/seed-nodes when bootstrap is on: now the others can probe us
      if (node.settings().bootstrap().isPresent()) ClusterBootstrap.get(system).start();
      return new GlowApi(binding, metrics, actors, settings.tls());
    } catch (ExecutionException | TimeoutException e) {
      metrics.close();
      actors.tell(ApiActors.Stop.INSTANCE);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot bind the API on " + settings.host() + ":" + settings.port() + " ("
          + cause.getMessage() + "); is another node using it? set glow.node.api or --api HOST:PORT", cause);
    } catch (InterruptedException e) {
      actors.tell(ApiActors.Stop.INSTANCE);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding the API", e);
    }
  }

  /** The bound address (the real port when 0 was asked). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The base URL clients use: {@code http://127.0.0.1:7700}. */
  public String url() {
    return (https ? "https://" : "http://") + address().getHostString() + ":" + address().getPort();
  }

  @Override
  public void close() {
    metrics.close();
    actors.tell(ApiActors.Stop.INSTANCE);
    try {
      binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the actor system's termination closes it anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
