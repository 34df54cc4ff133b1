package glow.actors.upstream;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import glow.actors.registry.ServiceRegistry;
import glow.conf.snapshot.ServiceKey;
import glow.proxy.Endpoint;
import glow.proxy.Upstream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps one streams-proxy {@link Upstream} fed with the registry's endpoints of one service; one per
 * (service, upstream settings) in use on a node, a child of {@code Listeners}.
 *
 * <p>It owns the Upstream it is given: on every registry change it calls {@code setEndpoints}, and
 * when it stops it unsubscribes and closes it. The proxy's hot path reads the Upstream's immutable
 * pool snapshot and never asks this actor. Apps' entries in the registry are only healthy instances;
 * externals ({@code node = external}) arrive the same way.
 */
public final class UpstreamPool extends AbstractBehavior<UpstreamPool.Command> {
  public sealed interface Command {}

  private record EndpointsChanged(ServiceRegistry.Endpoints endpoints) implements Command {}

  /**
   * A pool for {@code service} feeding {@code upstream}; restarted on an unexpected failure (it then
   * subscribes again and keeps the same Upstream and its endpoint states).
   */
  public static Behavior<Command> create(ServiceKey service, Upstream upstream,
                                         ActorRef<ServiceRegistry.Command> registry) {
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new UpstreamPool(ctx, service, upstream, registry)))
        .onFailure(SupervisorStrategy.restart());
  }

  private final String service;
  private final Upstream upstream;
  private final ActorRef<ServiceRegistry.Command> registry;
  private final ActorRef<ServiceRegistry.Endpoints> adapter;

  private UpstreamPool(ActorContext<Command> ctx, ServiceKey service, Upstream upstream,
                       ActorRef<ServiceRegistry.Command> registry) {
    super(ctx);
    this.service = service.toString();
    this.upstream = upstream;
    this.registry = registry;
    this.adapter = ctx.messageAdapter(ServiceRegistry.Endpoints.class, EndpointsChanged::new);
    registry.tell(new ServiceRegistry.Subscribe(this.service, adapter)); // answers with the current set first
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EndpointsChanged.class, this::onEndpointsChanged)
        .onSignal(PreRestart.class, s -> unsubscribe())
        .onSignal(PostStop.class, s -> {
          unsubscribe();
          upstream.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onEndpointsChanged(EndpointsChanged c) {
    if (!c.endpoints().service().equals(service)) return this;
    List<Endpoint> endpoints = toProxy(c.endpoints(), getContext());
    upstream.setEndpoints(endpoints);
    getContext().getLog().debug("upstream {}: {} endpoint(s) {}", service, endpoints.size(), endpoints);
    return this;
  }

  private Behavior<Command> unsubscribe() {
    registry.tell(new ServiceRegistry.Unsubscribe(service, adapter));
    return this;
  }

  /**
   * The registry's endpoints as proxy endpoints, sorted by host:port and node so that every node's
   * round-robin walks them in the same order; an unreadable one is logged and left out.
   */
  static List<Endpoint> toProxy(ServiceRegistry.Endpoints registered, ActorContext<?> ctx) {
    List<glow.actors.registry.Endpoint> sorted = new ArrayList<>(registered.endpoints());
    sorted.sort(Comparator.comparing(glow.actors.registry.Endpoint::hostPort)
        .thenComparing(glow.actors.registry.Endpoint::node));
    List<Endpoint> out = new ArrayList<>(sorted.size());
    for (glow.actors.registry.Endpoint e : sorted) {
      try {
        Endpoint parsed = Endpoint.parse(e.hostPort());
        out.add(new Endpoint(parsed.host(), parsed.port(), e.node()));
      } catch (IllegalArgumentException bad) {
        ctx.getLog().warn("upstream {}: endpoint {} from node {} ignored: {}", registered.service(),
            e.hostPort(), e.node(), bad.getMessage());
      }
    }
    return out;
  }
}
