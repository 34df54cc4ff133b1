package glow.proxy.udp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the UDP datagrams of one local listener port to the endpoints of one upstream; one per
 * provided UDP port on a node.
 *
 * <p>Each client address (host:port that sent to the listener) gets a session with its own
 * upstream socket connected to an endpoint chosen once, when the session starts, so the endpoint's
 * replies go back to that client only. Sessions expire after {@link Settings#idleTimeout()} without
 * a datagram either way; at most {@link Settings#maxSessions()} live at once, and a datagram from a
 * new client beyond that is dropped (counted). One selector thread does all the work; sessions are
 * only touched by it. {@link #close()} stops the thread and closes every socket.
 */
public final class UdpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpProxy.class);
  /** The largest UDP payload over IPv4 (bytes). */
  static final int MAX_DATAGRAM = 65_507;
  /** Datagrams read from one socket per selector wake-up, so one busy client cannot starve others. */
  private static final int READS_PER_WAKEUP = 64;

  /** What to bind and how long and how many sessions to keep. */
  public record Settings(String listener, String upstream, InetSocketAddress bind, Duration idleTimeout, int maxSessions) {
    public Settings {
      Objects.requireNonNull(listener, "listener");
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("udp listener " + listener + ": idle timeout must be positive, got " + idleTimeout);
      }
      if (maxSessions < 1) {
        throw new IllegalArgumentException("udp listener " + listener + ": max sessions must be at least 1, got " + maxSessions);
      }
    }

    /** 127.0.0.1:port, sessions idle for 60 s expire, at most 1024 sessions. */
    public static Settings onLoopback(String listener, String upstream, int port) {
      return new Settings(listener, upstream, new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(60), 1024);
    }
  }

  /** One client's session: its upstream socket and when it last carried a datagram (ns). */
  private static final class Session {
    final SocketAddress client;
    final DatagramChannel upstream;
    long lastActive;

    Session(SocketAddress client, DatagramChannel upstream, long now) {
      this.client = client;
      this.upstream = upstream;
      this.lastActive = now;
    }
  }

  private final Settings settings;
  private final Supplier<InetSocketAddress> endpoints;
  private final UdpMetrics metrics;
  private final Selector selector;
  private final DatagramChannel listener;
  private final InetSocketAddress localAddress;
  private final Thread thread;
  private final Map<SocketAddress, Session> sessions = new HashMap<>();
  private final AtomicInteger activeSessions = new AtomicInteger();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
  private final long idleNanos;
  private final long sweepMillis;
  private volatile boolean closing;

  private UdpProxy(Settings settings, Supplier<InetSocketAddress> endpoints) throws IOException {
    this.settings = settings;
    this.endpoints = endpoints;
    this.metrics = new UdpMetrics(settings.listener(), settings.upstream());
    this.idleNanos = settings.idleTimeout().toNanos();
    // Expiry is checked a few times per idle period, between 10 ms and 1 s apart.
    this.sweepMillis = Math.max(10, Math.min(1000, settings.idleTimeout().toMillis() / 4));
    this.selector = Selector.open();
    DatagramChannel ch = null;
    try {
      ch = DatagramChannel.open();
      ch.bind(settings.bind());
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
    } catch (IOException e) {
      if (ch != null) ch.close();
      selector.close();
      throw new IOException("udp listener " + settings.listener() + ": cannot bind " + settings.bind() + ": " + e.getMessage(), e);
    }
    this.listener = ch;
    this.localAddress = (InetSocketAddress) ch.getLocalAddress();
    this.thread = new Thread(this::run, "glow-udp-" + settings.listener());
    this.thread.setDaemon(true);
  }

  /**
   * Binds the listener and starts forwarding. {@code endpoints} is asked once per new session; a
   * null answer (no endpoint available) or an exception drops that datagram.
   */
  public static UdpProxy start(Settings settings, Supplier<InetSocketAddress> endpoints) throws IOException {
    UdpProxy proxy = new UdpProxy(settings, Objects.requireNonNull(endpoints, "endpoints"));
    proxy.thread.start();
    return proxy;
  }

  /** The bound address (the actual port when bound to port 0). */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Sessions alive now. */
  public int activeSessions() {
    return activeSessions.get();
  }

  /** Stops forwarding and closes the listener and every session socket; waits up to 5 s for the thread. */
  @Override
  public void close() {
    closing = true;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long nextSweep = System.nanoTime() + sweepMillis * 1_000_000L;
    try {
      while (!closing) {
        selector.select(sweepMillis);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          if (!key.isValid()) continue;
          if (key.attachment() == null) fromClients();
          else fromEndpoint((Session) key.attachment());
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          expireIdle(now);
          nextSweep = now + sweepMillis * 1_000_000L;
        }
      }
    } catch (IOException | ClosedSelectorException | UncheckedIOException e) {
      if (!closing) log.error("udp listener {}: stopped forwarding: {}", settings.listener(), e.toString());
    } catch (RuntimeException e) {
      log.error("udp listener {}: stopped forwarding after a bug", settings.listener(), e);
    } finally {
      for (Session s : sessions.values()) closeQuietly(s.upstream);
      metrics.sessions.decrement(sessions.size());
      sessions.clear();
      activeSessions.set(0);
      closeQuietly(listener);
      try {
        selector.close();
      } catch (IOException e) {
        log.warn("udp listener {}: closing selector: {}", settings.listener(), e.toString());
      }
    }
  }

  private void fromClients() throws IOException {
    for (int i = 0; i < READS_PER_WAKEUP; i++) {
      buffer.clear();
      SocketAddress client;
      try {
        client = listener.receive(buffer);
      } catch (PortUnreachableException e) {
        continue; // some systems report an ICMP error for an earlier reply to a client that left
      }
      if (client == null) return;
      buffer.flip();
      long now = System.nanoTime();
      Session s = sessions.get(client);
      if (s == null) {
        s = open(client, now);
        if (s == null) continue;
      }
      s.lastActive = now;
      int size = buffer.remaining();
      try {
        if (s.upstream.write(buffer) == 0 && size > 0) {
          metrics.dropSendFailed.increment(); // socket send buffer full: UDP may drop, so do we
          continue;
        }
      } catch (PortUnreachableException e) {
        metrics.dropUnreachable.increment(); // an ICMP from an earlier datagram: the endpoint is gone
        continue;
      } catch (IOException e) {
        metrics.dropSendFailed.increment();
        continue;
      }
      metrics.datagramsUp.increment();
      metrics.bytesUp.increment(size);
    }
  }

  private Session open(SocketAddress client, long now) {
    if (sessions.size() >= settings.maxSessions()) {
      metrics.dropSessionsFull.increment();
      return null;
    }
    InetSocketAddress endpoint;
    try {
      endpoint = endpoints.get();
    } catch (RuntimeException e) {
      endpoint = null;
    }
    if (endpoint == null) {
      metrics.dropNoEndpoint.increment();
      return null;
    }
    DatagramChannel ch = null;
    try {
      ch = DatagramChannel.open();
      ch.connect(endpoint);
      ch.configureBlocking(false);
      Session s = new Session(client, ch, now);
      ch.register(selector, SelectionKey.OP_READ, s);
      sessions.put(client, s);
      metrics.sessions.increment(); // the gauge first, as on expiry
      activeSessions.incrementAndGet();
      return s;
    } catch (IOException e) {
      closeQuietly(ch);
      metrics.dropUnreachable.increment();
      return null;
    }
  }

  private void fromEndpoint(Session s) throws IOException {
    for (int i = 0; i < READS_PER_WAKEUP; i++) {
      buffer.clear();
      try {
        // receive, not read: it tells "nothing waiting" (null) apart from an empty datagram
        if (s.upstream.receive(buffer) == null) return;
      } catch (PortUnreachableException e) {
        metrics.dropUnreachable.increment(); // the endpoint's port is closed (ICMP); the session stays until idle
        continue;
      } catch (IOException e) {
        metrics.dropSendFailed.increment();
        return;
      }
      buffer.flip();
      int size = buffer.remaining();
      s.lastActive = System.nanoTime();
      try {
        if (listener.send(buffer, s.client) == 0 && size > 0) {
          metrics.dropSendFailed.increment(); // send buffer full
          continue;
        }
      } catch (IOException e) {
        metrics.dropSendFailed.increment(); // the client is unreachable; its session expires when idle
        continue;
      }
      metrics.datagramsDown.increment();
      metrics.bytesDown.increment(size);
    }
  }

  private void expireIdle(long now) {
    Iterator<Session> it = sessions.values().iterator();
    while (it.hasNext()) {
      Session s = it.next();
      if (now - s.lastActive >= idleNanos) {
        it.remove();
        closeQuietly(s.upstream);
        metrics.sessions.decrement(); // before the count activeSessions() reads: who sees it sees the gauge moved
        activeSessions.decrementAndGet();
      }
    }
  }

  private void closeQuietly(DatagramChannel ch) {
    if (ch == null) return;
    try {
      ch.close();
    } catch (IOException e) {
      log.warn("udp listener {}: closing a socket: {}", settings.listener(), e.toString());
    }
  }
}
