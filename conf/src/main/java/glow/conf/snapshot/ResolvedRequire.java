package glow.conf.snapshot;

import java.time.Duration;

/**
 * One required service of an instance with its target port resolved to the number the provider
 * declares; one per {@code requires} entry per instance. Two instances on one node may share a
 * local port only with equal ResolvedRequires.
 *
 * @param fallback null when there is none
 */
public record ResolvedRequire(ServiceKey service, int local, String balance, int retries,
                              Duration connectTimeout, ServiceKey fallback) {}
