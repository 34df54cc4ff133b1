package glow.proxy;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Tcp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A bound proxy listener, returned by {@link TcpProxy#bind}: its address, its open connection count
 * and the two ways to stop it. One per bound listener; thread-safe.
 */
public final class ProxyBinding {
  private final Tcp.ServerBinding binding;
  private final Listener listener;
  private final ActorSystem<?> system;

  ProxyBinding(Tcp.ServerBinding binding, Listener listener, ActorSystem<?> system) {
    this.binding = binding;
    this.listener = listener;
    this.system = system;
  }

  /** The address actually bound (the real port when bound on port 0). */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /** Downstream connections open now (connecting or proxying). */
  public int activeConnections() {
    return listener.active();
  }

  /**
   * Completes when the listening port is released, once {@link #drain} or {@link #unbind} has
   * started (open connections may still run): the port can then be bound again.
   */
  public CompletionStage<Done> whenUnbound() {
    return binding.whenUnbound();
  }

  public String listenerName() {
    return listener.settings.name();
  }

  /**
   * Stops accepting at once, lets open connections finish for up to {@code grace}, then closes the
   * rest. Completes when the port is released and every connection has ended.
   */
  public CompletionStage<Done> drain(Duration grace) {
    listener.startDraining();
    CompletionStage<?> unbound = binding.unbind();
    CompletableFuture<Done> finished = listener.allClosed;
    system.scheduler().scheduleOnce(grace, () -> {
      if (!finished.isDone()) listener.closeAll();
    }, system.executionContext());
    return unbound.thenCompose(d -> finished);
  }

  /** {@link #drain(Duration)} with the listener's configured drain grace. */
  public CompletionStage<Done> drain() {
    return drain(listener.settings.drainGrace());
  }

  /** Stops accepting and closes every open connection now. */
  public CompletionStage<Done> unbind() {
    listener.startDraining();
    CompletionStage<?> unbound = binding.unbind();
    listener.closeAll();
    return unbound.thenCompose(d -> listener.allClosed.orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> Done.getInstance()));
  }
}
