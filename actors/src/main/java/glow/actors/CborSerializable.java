package glow.actors;

/**
 * Marker for every message (and replicated value) that crosses nodes; one marker for the whole
 * project, bound to Akka's {@code jackson-cbor} serializer in {@code reference.conf}.
 *
 * <p>Implement it on public records only: Jackson needs their components to (de)serialize, and a
 * record that cannot cross the wire fails loudly at the first remote send.
 */
public interface CborSerializable {}
