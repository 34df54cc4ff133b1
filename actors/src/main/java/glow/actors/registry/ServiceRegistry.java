package glow.actors.registry;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.ClusterEvent;
import akka.cluster.UniqueAddress;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.ORMultiMap;
import akka.cluster.ddata.ORMultiMapKey;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.pattern.StatusReply;
import glow.actors.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The node's replica of the cluster-wide registry of healthy service endpoints; one per node,
 * spawned by {@code GlowNode} (Distributed Data replicates between them).
 *
 * <p>Data: one {@code ORMultiMap<service, Entry>} under one key. Why this shape: the set of
 * endpoints of a service is edited concurrently by many nodes, each adding and removing only its
 * own entries, which is exactly an observed-remove set (add-wins, no lost concurrent adds); a map
 * of such sets keyed by service gives per-service deltas (value deltas on) and lets the API read
 * every service at once. One key is enough for a small cluster's few hundred endpoints; a
 * {@code LWWMap} would drop one of two concurrent registrations.
 *
 * <p>An {@link Entry} carries the registering member's unique address ({@code owner}). When a
 * member is removed (left, or downed by the split brain resolver) every replica removes the
 * entries of exactly that incarnation: idempotent, so no leader is needed, and a node restarted
 * under the same name keeps its fresh entries. Entries of a removed owner that arrive late by
 * gossip are removed again when seen.
 *
 * <p>Views (subscribers' {@link Endpoints}, {@link GetAll}) hide the entries of an owner that is
 * unreachable (a {@link ClusterEvent.UnreachableMember}: some member's failure detector lost it,
 * spread by gossip) or removed. Hiding is local and undone when the member is reachable again; it
 * never edits the data, so a false alarm of the failure detector costs a few seconds of fewer
 * endpoints and nothing else. This is what takes a crashed node's endpoints out of every proxy
 * within seconds, long before the split brain resolver downs it ({@code stable-after}).
 *
 * <p>Writes are local (the replicator gossips them within ~0.5 s), except a {@link Register} with a
 * reply, which is written to all replicas; subscribers hear of changes
 * after {@code akka.cluster.distributed-data.notify-subscribers-interval}.
 *
 * <p>Externals come from the repo snapshot via {@link SetExternals}, whole-replaced each time.
 * Send it from one place only (the repo sync singleton's node): two nodes replacing from
 * different snapshots would race.
 */
public final class ServiceRegistry extends AbstractBehavior<ServiceRegistry.Command> {
  /** Node (and owner) tag of endpoints that come from {@code externals/}. */
  public static final String EXTERNAL = "external";

  static final Key<ORMultiMap<String, Entry>> KEY = ORMultiMapKey.create("glow-service-registry");

  public sealed interface Command {}

  /**
   * Adds a healthy endpoint ("host:port") of {@code service} ("billing:8080") run by {@code node}.
   * With a {@code replyTo} (a supervisor under a rollout permit), the write goes to every node's
   * replica (WriteAll within {@link #CONFIRM_TIMEOUT}) and the reply says whether all of them
   * acknowledged it; an unreachable node makes it an error after the timeout. The local write
   * happens either way.
   */
  public record Register(String service, String endpoint, String node, ActorRef<StatusReply<Done>> replyTo)
      implements Command, CborSerializable {
    public Register(String service, String endpoint, String node) {
      this(service, endpoint, node, null);
    }
  }

  /** How long a confirmed {@link Register} waits for the other replicas. */
  public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(3);

  /** Removes an endpoint registered by {@code node}; unknown endpoints are ignored. */
  public record Deregister(String service, String endpoint, String node) implements Command, CborSerializable {}

  /** The subscriber gets the current endpoints of {@code service}, then every change, until it stops. */
  public record Subscribe(String service, ActorRef<Endpoints> subscriber) implements Command, CborSerializable {}

  public record Unsubscribe(String service, ActorRef<Endpoints> subscriber) implements Command, CborSerializable {}

  /** Replies with every service and its endpoints (for the API and dashboard). */
  public record GetAll(ActorRef<All> replyTo) implements Command, CborSerializable {}

  /** Replaces all external endpoints: service -> "host:port"s, from one repo snapshot. */
  public record SetExternals(Map<String, Set<String>> endpointsByService) implements Command, CborSerializable {}

  /** The endpoints of one service, sent to subscribers. */
  public record Endpoints(String service, Set<Endpoint> endpoints) implements CborSerializable {}

  /** Every service with at least one endpoint. */
  public record All(Map<String, Set<Endpoint>> services) implements CborSerializable {}

  /**
   * The replicated element. {@code owner} is the registering member's unique address rendered as
   * text, or {@link #EXTERNAL}.
   */
  public record Entry(String endpoint, String node, String owner) implements CborSerializable {}

  private record DataChanged(Replicator.SubscribeResponse<ORMultiMap<String, Entry>> response) implements Command {}

  private record Written(Replicator.UpdateResponse<ORMultiMap<String, Entry>> response, String what,
      ActorRef<StatusReply<Done>> replyTo) implements Command {}

  private record MemberRemoved(UniqueAddress member) implements Command {}

  private record ReachabilityChanged(UniqueAddress member, boolean reachable) implements Command {}

  private record SubscriberStopped(ActorRef<Endpoints> subscriber) implements Command {}

  // Removed owners remembered to catch their entries arriving late; bounded, oldest dropped.
  private static final int REMEMBERED_REMOVALS = 1024;

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> DistributedData.<Command, ORMultiMap<String, Entry>>withReplicatorMessageAdapter(
        replicator -> new ServiceRegistry(ctx, replicator)));
  }

  private final ReplicatorMessageAdapter<Command, ORMultiMap<String, Entry>> replicator;
  private final SelfUniqueAddress self;
  private final String selfOwner;
  private final Map<String, Set<ActorRef<Endpoints>>> subscribers = new HashMap<>();
  private final LinkedHashSet<String> removedOwners = new LinkedHashSet<>();
  /** Owners whose member is unreachable now; their entries stay in the data but not in any view. */
  private final Set<String> unreachableOwners = new HashSet<>();
  private Map<String, Set<Entry>> entries = Map.of();

  private ServiceRegistry(ActorContext<Command> ctx, ReplicatorMessageAdapter<Command, ORMultiMap<String, Entry>> replicator) {
    super(ctx);
    this.replicator = replicator;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    this.selfOwner = ownerId(self.uniqueAddress());
    replicator.subscribe(KEY, DataChanged::new);
    ActorRef<ClusterEvent.MemberRemoved> removals =
        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, r -> new MemberRemoved(r.member().uniqueAddress()));
    Cluster.get(ctx.getSystem()).subscriptions().tell(
        akka.cluster.typed.Subscribe.create(removals, ClusterEvent.MemberRemoved.class));
    // Replays the members unreachable now, then every change. Never reports this node itself.
    ActorRef<ClusterEvent.ReachabilityEvent> reachability = ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class,
        e -> new ReachabilityChanged(e.member().uniqueAddress(), e instanceof ClusterEvent.ReachableMember));
    Cluster.get(ctx.getSystem()).subscriptions().tell(
        akka.cluster.typed.Subscribe.create(reachability, ClusterEvent.ReachabilityEvent.class));
  }

  static String ownerId(UniqueAddress member) {
    return member.address() + "#" + member.longUid();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Deregister.class, this::onDeregister)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, u -> {
          subscribers.computeIfPresent(u.service(), (k, refs) -> {
            refs.remove(u.subscriber());
            return refs.isEmpty() ? null : refs;
          });
          return this;
        })
        .onMessage(SubscriberStopped.class, s -> {
          subscribers.values().forEach(refs -> refs.remove(s.subscriber()));
          return this;
        })
        .onMessage(GetAll.class, g -> {
          g.replyTo().tell(new All(view()));
          return this;
        })
        .onMessage(SetExternals.class, this::onSetExternals)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(Written.class, this::onWritten)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(ReachabilityChanged.class, this::onReachabilityChanged)
        .build();
  }

  private Behavior<Command> onRegister(Register r) {
    String problem = problem(r.service(), r.endpoint(), r.node());
    if (problem != null) {
      getContext().getLog().warn("register of {} ignored: {}", r, problem);
      if (r.replyTo() != null) r.replyTo().tell(StatusReply.error("register ignored: " + problem));
      return this;
    }
    Entry entry = new Entry(r.endpoint(), r.node(), selfOwner);
    update("register " + r.endpoint() + " of " + r.service(), m -> m.addBinding(self, r.service(), entry),
        r.replyTo() == null ? Replicator.writeLocal() : new Replicator.WriteAll(CONFIRM_TIMEOUT), r.replyTo());
    return this;
  }

  private Behavior<Command> onDeregister(Deregister d) {
    update("deregister " + d.endpoint() + " of " + d.service(), m -> {
      ORMultiMap<String, Entry> result = m;
      for (Entry e : m.getEntries().getOrDefault(d.service(), Set.of())) {
        if (e.endpoint().equals(d.endpoint()) && e.node().equals(d.node())) {
          result = result.removeBinding(self, d.service(), e);
        }
      }
      return result;
    });
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe s) {
    if (subscribers.computeIfAbsent(s.service(), k -> new HashSet<>()).add(s.subscriber())) {
      getContext().watchWith(s.subscriber(), new SubscriberStopped(s.subscriber()));
    }
    s.subscriber().tell(new Endpoints(s.service(), endpointsOf(entries, s.service())));
    return this;
  }

  private Behavior<Command> onSetExternals(SetExternals s) {
    Map<String, Set<Entry>> wanted = new HashMap<>();
    s.endpointsByService().forEach((service, hostPorts) -> {
      for (String hostPort : hostPorts) {
        String problem = problem(service, hostPort, EXTERNAL);
        if (problem != null) {
          getContext().getLog().warn("external endpoint {} of {} ignored: {}", hostPort, service, problem);
        } else {
          wanted.computeIfAbsent(service, k -> new HashSet<>()).add(new Entry(hostPort, EXTERNAL, EXTERNAL));
        }
      }
    });
    update("replace externals", m -> {
      ORMultiMap<String, Entry> result = m;
      for (var e : m.getEntries().entrySet()) {
        for (Entry entry : e.getValue()) {
          if (entry.owner().equals(EXTERNAL) && !wanted.getOrDefault(e.getKey(), Set.of()).contains(entry)) {
            result = result.removeBinding(self, e.getKey(), entry);
          }
        }
      }
      for (var e : wanted.entrySet()) {
        Set<Entry> present = m.getEntries().getOrDefault(e.getKey(), Set.of());
        for (Entry entry : e.getValue()) {
          if (!present.contains(entry)) result = result.addBinding(self, e.getKey(), entry);
        }
      }
      return result;
    });
    return this;
  }

  private Behavior<Command> onMemberRemoved(MemberRemoved r) {
    String owner = ownerId(r.member());
    if (owner.equals(selfOwner)) return this; // this replica is going away with its node
    changeHidden(() -> { // hidden at once: the removal below lands in the data a moment later
      unreachableOwners.remove(owner);
      removedOwners.add(owner);
      if (removedOwners.size() > REMEMBERED_REMOVALS) removedOwners.remove(removedOwners.iterator().next());
    });
    removeOwnedBy(Set.of(owner));
    return this;
  }

  private Behavior<Command> onReachabilityChanged(ReachabilityChanged r) {
    String owner = ownerId(r.member());
    if (owner.equals(selfOwner) || removedOwners.contains(owner)) return this;
    int affected = 0;
    for (Set<Entry> set : entries.values()) {
      for (Entry e : set) if (e.owner().equals(owner)) affected++;
    }
    if (r.reachable()) {
      changeHidden(() -> unreachableOwners.remove(owner));
      getContext().getLog().info("service registry: {} is reachable again, showing its {} endpoint(s)",
          r.member().address(), affected);
    } else {
      changeHidden(() -> unreachableOwners.add(owner));
      getContext().getLog().info("service registry: {} is unreachable, hiding its {} endpoint(s)",
          r.member().address(), affected);
    }
    return this;
  }

  /** Applies a change to the hidden owners and tells every subscriber whose view it changed. */
  private void changeHidden(Runnable change) {
    Map<String, Set<Endpoint>> before = new HashMap<>();
    subscribers.keySet().forEach(service -> before.put(service, endpointsOf(entries, service)));
    change.run();
    before.forEach((service, was) -> {
      Set<Endpoint> now = endpointsOf(entries, service);
      if (!now.equals(was)) {
        Endpoints message = new Endpoints(service, now);
        subscribers.getOrDefault(service, Set.of()).forEach(ref -> ref.tell(message));
      }
    });
  }

  private void removeOwnedBy(Set<String> owners) {
    update("remove entries of removed members " + owners, m -> {
      ORMultiMap<String, Entry> result = m;
      for (var e : m.getEntries().entrySet()) {
        for (Entry entry : e.getValue()) {
          if (owners.contains(entry.owner())) result = result.removeBinding(self, e.getKey(), entry);
        }
      }
      return result;
    });
  }

  private Behavior<Command> onDataChanged(DataChanged c) {
    if (!(c.response() instanceof Replicator.Changed<ORMultiMap<String, Entry>> changed)) return this;
    Map<String, Set<Entry>> previous = entries;
    entries = changed.get(KEY).getEntries();
    Set<String> stale = new HashSet<>();
    entries.values().forEach(set -> set.forEach(e -> {
      if (removedOwners.contains(e.owner())) stale.add(e.owner());
    }));
    if (!stale.isEmpty()) removeOwnedBy(stale);
    subscribers.forEach((service, refs) -> {
      Set<Endpoint> now = endpointsOf(entries, service);
      if (!refs.isEmpty() && !now.equals(endpointsOf(previous, service))) {
        Endpoints message = new Endpoints(service, now);
        refs.forEach(ref -> ref.tell(message));
      }
    });
    return this;
  }

  private Behavior<Command> onWritten(Written w) {
    boolean ok = w.response() instanceof Replicator.UpdateSuccess;
    if (w.replyTo() != null) {
      w.replyTo().tell(ok ? StatusReply.ack() : StatusReply.error(w.what() + ": not acknowledged by every node ("
          + w.response().getClass().getSimpleName() + "); written locally, gossip spreads it"));
    }
    if (ok) return this;
    if (CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isPresent()) {
      // the local replicator stops during shutdown; nothing is lost that matters then
      getContext().getLog().debug("service registry: {} failed during shutdown: {}", w.what(), w.response());
    } else {
      getContext().getLog().warn("service registry: {} failed: {}", w.what(), w.response());
    }
    return this;
  }

  private void update(String what, Function<ORMultiMap<String, Entry>, ORMultiMap<String, Entry>> modify) {
    update(what, modify, Replicator.writeLocal(), null);
  }

  private void update(String what, Function<ORMultiMap<String, Entry>, ORMultiMap<String, Entry>> modify,
      Replicator.WriteConsistency consistency, ActorRef<StatusReply<Done>> confirmTo) {
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(KEY, ORMultiMap.emptyWithValueDeltas(), consistency, replyTo, modify::apply),
        response -> new Written(response, what, confirmTo));
  }

  private Map<String, Set<Endpoint>> view() {
    Map<String, Set<Endpoint>> all = new HashMap<>();
    for (String service : entries.keySet()) {
      Set<Endpoint> endpoints = endpointsOf(entries, service);
      if (!endpoints.isEmpty()) all.put(service, endpoints);
    }
    return Map.copyOf(all);
  }

  /**
   * Visible endpoints of a service: entries of unreachable or removed owners are left out; the same
   * endpoint from two owners (a restarted node) counts once, and shows while either is visible.
   */
  private Set<Endpoint> endpointsOf(Map<String, Set<Entry>> entries, String service) {
    Set<Endpoint> endpoints = new HashSet<>();
    for (Entry e : entries.getOrDefault(service, Set.of())) {
      if (unreachableOwners.contains(e.owner()) || removedOwners.contains(e.owner())) continue;
      endpoints.add(new Endpoint(e.endpoint(), e.node()));
    }
    return Set.copyOf(endpoints);
  }

  /** Why a registration is unusable, or null. */
  private static String problem(String service, String endpoint, String node) {
    if (service == null || service.isBlank()) return "service name is empty (expected e.g. billing:8080)";
    if (node == null || node.isBlank()) return "node is empty";
    if (endpoint == null) return "endpoint is missing (expected host:port)";
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) return "endpoint \"" + endpoint + "\" is not host:port";
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      if (port < 1 || port > 65535) return "endpoint \"" + endpoint + "\" has port " + port + " (use 1-65535)";
    } catch (NumberFormatException e) {
      return "endpoint \"" + endpoint + "\" is not host:port";
    }
    return null;
  }
}
