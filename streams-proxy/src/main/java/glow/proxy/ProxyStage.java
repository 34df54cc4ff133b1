package glow.proxy;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.StreamTcpException;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import glow.proxy.sniff.Sniffer;
import glow.proxy.sniff.Sniffers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole per-connection proxy in one stage: joined to the downstream's TCP flow, it chooses an
 * endpoint, connects (retrying on other endpoints, then the fallback upstream), then pumps bytes
 * both ways, counting them and showing each chunk to the connection's {@link Sniffer}. One
 * materialization per downstream connection.
 *
 * <p>Why a custom stage: a retry must not lose the downstream's first bytes, so nothing may be
 * pulled from the downstream before the upstream is connected. Akka's outgoing TCP stage pulls its
 * input only once connected, so each attempt materializes {@code Tcp.outgoingConnection} between a
 * {@code SubSourceOutlet} and a {@code SubSinkInlet} with the sub-fusing materializer (how
 * {@code flatMapConcat} and {@code Flow.futureFlow} do it): the attempt runs inside this connection's
 * own graph interpreter, with no extra actor, async boundary or buffer. Its first pull is the
 * "connected" signal; a failure before it means "try the next endpoint", after it "close the
 * connection". ({@code Flow.lazyFutureFlow} would wait for the downstream's first byte, which
 * server-speaks-first protocols never send; a pre-connected {@code Source.asSubscriber}/
 * {@code Sink.asPublisher} pair costs two extra materializations and async boundaries.)
 *
 * <p>The idle timeout is a timer of this stage, not Akka's {@code Tcp.bind(..., idleTimeout)}: that
 * one builds and materializes a BidiFlow graph per accepted connection, which was a quarter of the
 * bytes allocated under a connection-per-request load (JFR, docs/proxy.md "Per connection").
 */
final class ProxyStage extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final Inlet<ByteString> in = Inlet.create("glow.proxy.fromDownstream");
  private final Outlet<ByteString> out = Outlet.create("glow.proxy.toDownstream");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Listener listener;
  private final InetSocketAddress client;
  /** The address the downstream connected to (for the preamble). */
  private final InetSocketAddress local;

  ProxyStage(Listener listener, InetSocketAddress client, InetSocketAddress local) {
    this.listener = listener;
    this.client = client;
    this.local = local;
  }

  @Override public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  /** Handle the listener keeps to close this connection when a drain runs out of time. */
  interface Closer {
    void close();
  }

  private final class Logic extends TimerGraphStageLogic implements Closer {
    private Upstream current;
    private int attemptsOnCurrent;
    private int attemptsTotal;
    /** Endpoints of the current upstream already tried by this connection; null until a retry. */
    private List<EndpointState> tried;
    private Attempt live;
    private boolean connected;
    private boolean downstreamDone;
    private EndpointState target;
    private ListenerMetrics.EndpointMetrics metrics;
    private Sniffer sniffer;
    private final AsyncCallback<Boolean> closeCallback = createAsyncCallback(ignored -> completeStage());
    /** System.nanoTime() of the last chunk either way (or of the start); read by the idle timer. */
    private long lastActivityNanos;

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override public void onPush() {
          ByteString bytes = grab(in);
          lastActivityNanos = System.nanoTime();
          metrics.requestBytes.increment(bytes.size());
          sniffer.onRequestBytes(bytes);
          live.toUpstream.push(bytes);
        }

        @Override public void onUpstreamFinish() {
          // The downstream shut its output: half-close towards the upstream, keep the answer flowing.
          downstreamDone = true;
          if (connected && live != null && !live.toUpstream.isClosed()) live.toUpstream.complete();
          if (!connected && isClosed(out)) completeStage();
        }

        @Override public void onUpstreamFailure(Throwable ex) {
          failStage(ex);
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override public void onPull() {
          if (live != null) live.pullUpstream();
        }

        @Override public void onDownstreamFinish(Throwable cause) {
          if (!connected) {
            completeStage();
          } else if (live != null && !live.fromUpstream.isClosed()) {
            live.fromUpstream.cancel();
          }
        }
      });
    }

    @Override public void preStart() {
      Duration idle = listener.settings.idleTimeout();
      if (idle != null) {
        lastActivityNanos = System.nanoTime();
        scheduleWithFixedDelay("idle", idleCheckInterval(idle), idleCheckInterval(idle));
      }
      listener.register(this);
      current = listener.primary;
      attemptNext();
    }

    @Override public void close() {
      closeCallback.invoke(Boolean.TRUE);
    }

    /** The idle check: no byte either way for the idle timeout closes both sides (FIN). */
    @Override public void onTimer(Object key) {
      if (System.nanoTime() - lastActivityNanos >= listener.settings.idleTimeout().toNanos()) completeStage();
    }

    /** Connects to the next candidate: primary first, then the fallback, or gives up. */
    private void attemptNext() {
      while (current != null) {
        if (attemptsOnCurrent < current.settings().maxConnectAttempts()) {
          List<EndpointState> candidates = current.pool().available();
          if (tried != null) candidates = without(candidates, tried);
          if (!candidates.isEmpty()) {
            // A retry takes a random endpoint not tried yet: asking the balancer again would let a
            // retry use up a round-robin turn, and with two endpoints one of them refusing, every
            // first attempt would then land on the refusing one (seen in the 1,000-connect test).
            EndpointState chosen = tried == null
                ? current.balancer().choose(candidates, client)
                : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            if (!candidates.contains(chosen)) chosen = candidates.get(0);
            connect(chosen);
            return;
          }
        }
        current = current == listener.primary ? listener.fallback : null;
        attemptsOnCurrent = 0;
        tried = null;
      }
      (attemptsTotal == 0 ? listener.metrics.noEndpoint : listener.metrics.exhausted).increment();
      completeStage(); // closes the downstream with a FIN: cancel our input first, then complete
    }

    private void connect(EndpointState endpoint) {
      target = endpoint;
      target.active.incrementAndGet(); // counted while connecting too, so least-connections sees it
      metrics = listener.metrics.of(current, endpoint);
      attemptsOnCurrent++;
      if (attemptsTotal++ > 0) metrics.retries.increment();
      Attempt attempt = new Attempt();
      live = attempt;
      Source.fromGraph(attempt.toUpstream.source())
          .via(endpoint.connectFlow(listener.tcp, current.settings()))
          .to(Sink.fromGraph(attempt.fromUpstream.sink()))
          .run(subFusingMaterializer());
      if (isAvailable(out)) attempt.pullUpstream();
    }

    private void connected(Attempt attempt) {
      connected = true;
      metrics.connectTime.record(System.nanoTime() - attempt.startNanos);
      metrics.opened();
      current.succeeded(target);
      // A final 5xx counts like a failed connect towards ejecting the endpoint that answered it
      // (one listener per endpoint, made once with its metrics: no allocation per connection).
      sniffer = Sniffers.forConnection(metrics.tags, metrics.serverErrors);
      if (downstreamDone) attempt.toUpstream.complete();
    }

    /**
     * Pushes the listener's preamble on the just-pulled upstream side; false when there is none.
     * Runs before any downstream byte is pulled, so the header is the first thing the upstream reads.
     */
    private boolean sendPreamble(Attempt attempt) {
      if (listener.preamble == null) return false;
      ByteString header = listener.preamble.header(client, local);
      if (header.isEmpty()) return false;
      metrics.requestBytes.increment(header.size());
      attempt.toUpstream.push(header);
      return true;
    }

    private void attemptFailed(Attempt attempt, Throwable cause) {
      if (attempt != live || connected) return;
      live = null;
      attempt.closeQuietly();
      target.active.decrementAndGet();
      String message = String.valueOf(cause.getMessage());
      if (message.contains("timeout") || message.contains("timed out")) metrics.timeout.increment();
      else if (message.contains("refused")) metrics.refused.increment();
      else metrics.otherFailure.increment();
      current.failed(target);
      if (tried == null) tried = new ArrayList<>(2);
      tried.add(target);
      target = null;
      if (isClosed(out)) completeStage(); // the downstream is gone: nobody to connect for
      else attemptNext();
    }

    @Override public void postStop() {
      listener.unregister(this);
      if (live != null) live.closeQuietly();
      if (target != null) target.active.decrementAndGet();
      if (connected) {
        metrics.closed();
        sniffer.onClose();
      }
    }

    /** One connect attempt: the sub-ports wired to one materialized outgoing TCP connection. */
    private final class Attempt {
      final SubSourceOutlet<ByteString> toUpstream = new SubSourceOutlet<>("glow.proxy.toUpstream");
      final SubSinkInlet<ByteString> fromUpstream = new SubSinkInlet<>("glow.proxy.fromUpstream");
      final long startNanos = System.nanoTime();

      Attempt() {
        toUpstream.setHandler(new AbstractOutHandler() {
          @Override public void onPull() {
            if (!connected) {
              // the outgoing TCP stage pulls only once connected; the preamble goes out before any
              // downstream byte, and the next pull asks the downstream
              boolean sent = sendPreamble(Attempt.this);
              connected(Attempt.this); // completes the upstream side after the preamble if the downstream is done
              if (sent) return;
            }
            if (!downstreamDone && !hasBeenPulled(in)) pull(in);
          }

          @Override public void onDownstreamFinish(Throwable cause) {
            if (!connected) attemptFailed(Attempt.this, cause);
            else if (!isClosed(in)) cancel(in); // the upstream stopped reading: nothing more can be sent
          }
        });
        fromUpstream.setHandler(new AbstractInHandler() {
          @Override public void onPush() {
            ByteString bytes = fromUpstream.grab();
            lastActivityNanos = System.nanoTime();
            metrics.responseBytes.increment(bytes.size());
            sniffer.onResponseBytes(bytes);
            push(out, bytes);
          }

          @Override public void onUpstreamFinish() {
            if (!connected) attemptFailed(Attempt.this, new StreamTcpException("connection closed before it was established"));
            else complete(out); // the upstream half-closed: pass the FIN on, keep sending the request side
          }

          @Override public void onUpstreamFailure(Throwable ex) {
            if (!connected) attemptFailed(Attempt.this, ex);
            else failStage(ex);
          }
        });
      }

      void pullUpstream() {
        if (!fromUpstream.hasBeenPulled() && !fromUpstream.isClosed()) fromUpstream.pull();
      }

      void closeQuietly() {
        if (!fromUpstream.isClosed()) fromUpstream.cancel();
        if (!toUpstream.isClosed()) toUpstream.complete();
      }
    }
  }

  /**
   * How often an idle connection is looked at: an eighth of the timeout, at least 100 ms, at most
   * the timeout (as Akka's own idle stage), so it closes within 1/8 after the timeout.
   */
  static Duration idleCheckInterval(Duration idle) {
    Duration eighth = idle.dividedBy(8);
    Duration min = Duration.ofMillis(100);
    if (eighth.compareTo(min) < 0) eighth = min;
    return eighth.compareTo(idle) > 0 ? idle : eighth;
  }

  private static List<EndpointState> without(List<EndpointState> candidates, List<EndpointState> tried) {
    List<EndpointState> rest = new ArrayList<>(candidates.size());
    for (EndpointState c : candidates) if (!tried.contains(c)) rest.add(c);
    return rest;
  }
}
