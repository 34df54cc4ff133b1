package glow.proxy.sniff;

/** The metric tags of one proxied connection: which listener accepted it and where it was sent. */
public record ConnectionTags(String listener, String upstream, String endpoint) {}
