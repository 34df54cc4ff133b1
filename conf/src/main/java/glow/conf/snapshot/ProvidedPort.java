package glow.conf.snapshot;

import glow.conf.spec.Protocol;

/**
 * One port an instance listens on; one per provided port per instance.
 *
 * @param port     the port the process binds: declared + the deployment's port-offset
 * @param declared the port as written in {@code provides} (the one in the service key)
 */
public record ProvidedPort(String name, int port, int declared, Protocol protocol) {}
