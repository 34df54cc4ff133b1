package glow.api.events;

import glow.actors.instance.InstanceStatus;

/**
 * An instance status change anywhere in the cluster, as this node's {@link NodeEvents} publishes it
 * on the local event stream for {@code GET /api/events}; one per change per node. (A wrapper: the
 * event stream's {@link InstanceStatus} messages are this node's own, and NodeEvents relays those.)
 */
public record InstanceEvent(InstanceStatus status) {}
