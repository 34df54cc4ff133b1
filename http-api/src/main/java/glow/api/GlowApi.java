package glow.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import glow.actors.instance.InstanceStatus;
import glow.actors.logs.NodeLogHub;
import glow.actors.node.GlowNode;
import glow.actors.node.NodeServices;
import glow.api.events.NodeEvents;
import glow.api.events.RepoVersion;
import glow.api.http.Tls;
import glow.api.logs.LogServer;
import glow.api.metrics.InstanceMetrics;
import glow.api.metrics.MetricsText;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The management API of one node: its HTTP(S) binding, and the node actors it needs (the log
 * server other nodes' APIs query, the relay of instance events); one per node. Start it after the
 * node has started; it unbinds when the node's actor system terminates, or on {@link #close()}.
 */
public final class GlowApi implements AutoCloseable {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger STARTED = new AtomicInteger();

  private final ServerBinding binding;
  private final MetricsText metrics;
  private final boolean https;

  private GlowApi(ServerBinding binding, MetricsText metrics, boolean https) {
    this.binding = binding;
    this.metrics = metrics;
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
    String n = "-" + STARTED.incrementAndGet(); // tests start a second API on one node
    system.systemActorOf(Behaviors.supervise(LogServer.create(name, logs,
        node.settings().dataDir().resolve("logs"))).onFailure(SupervisorStrategy.restart()),
        "glow-log-server" + n, Props.empty());
    ActorRef<Topic.Command<InstanceStatus>> statusTopic =
        system.systemActorOf(Topic.create(InstanceStatus.class, NodeEvents.STATUS_TOPIC), "glow-status-topic" + n, Props.empty());
    AtomicReference<RepoVersion> repo = new AtomicReference<>();
    system.systemActorOf(Behaviors.supervise(NodeEvents.create(statusTopic, services.topic(), repo, new InstanceMetrics()))
        .onFailure(SupervisorStrategy.restart()), "glow-node-events" + n, Props.empty());
    MetricsText metrics = new MetricsText();
    ApiContext context = new ApiContext(node, services, settings, repo, statusTopic, metrics,
        node.settings().repo().orElse("(none)"));
    ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
    if (https != null) server = server.enableHttps(https);
    try {
      ServerBinding binding = server.bind(new ApiRoutes(context).route()).toCompletableFuture()
          .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new GlowApi(binding, metrics, settings.tls());
    } catch (ExecutionException | TimeoutException e) {
      metrics.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot bind the API on " + settings.host() + ":" + settings.port() + " ("
          + cause.getMessage() + "); is another node using it? set glow.node.api or --api HOST:PORT", cause);
    } catch (InterruptedException e) {
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
    try {
      binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the actor system's termination closes it anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
