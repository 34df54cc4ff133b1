package glow.proxy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of one upstream's endpoints, published by {@link Upstream} whenever the set,
 * health or ejections change and read without locks by every new connection. Many over time, one
 * current per upstream.
 */
public final class Pool {
  static final Pool EMPTY = new Pool(List.of(), List.of(), Long.MAX_VALUE);

  private final List<EndpointState> all;
  private final List<EndpointState> available;
  /** System.nanoTime() at which an ejection ends and the snapshot must be rebuilt; MAX_VALUE if none. */
  final long expiresAtNanos;

  Pool(List<EndpointState> all, List<EndpointState> available, long expiresAtNanos) {
    this.all = all;
    this.available = available;
    this.expiresAtNanos = expiresAtNanos;
  }

  /** Builds the snapshot of {@code all} as of {@code now}: available = healthy and not ejected. */
  static Pool of(List<EndpointState> all, long now) {
    List<EndpointState> available = new ArrayList<>(all.size());
    long expires = Long.MAX_VALUE;
    for (EndpointState s : all) {
      long until = s.ejectedUntilNanos;
      boolean ejected = until != 0 && now - until < 0;
      if (ejected && until < expires) expires = until;
      if (s.healthy && !ejected) available.add(s);
    }
    return new Pool(List.copyOf(all), Collections.unmodifiableList(available), expires);
  }

  /** Every endpoint, in the order the upstream was given them. */
  public List<EndpointState> all() { return all; }

  /** The endpoints new connections may use: healthy and not ejected. */
  public List<EndpointState> available() { return available; }
}
