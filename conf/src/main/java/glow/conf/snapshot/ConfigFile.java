package glow.conf.snapshot;

import glow.conf.spec.OnChange;

/**
 * The config file of one instance with its content; one per instance whose app declares one.
 *
 * @param path    relative to the instance's working directory
 * @param source  repo path the content comes from
 * @param content raw text of the source; {@code ${VAR}} is replaced by the node, which alone knows the instance environment
 */
public record ConfigFile(String path, OnChange onChange, String source, String content) {}
