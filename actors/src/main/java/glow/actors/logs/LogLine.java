package glow.actors.logs;

import glow.actors.process.StdStream;
import java.time.Instant;

/**
 * One line an instance wrote, with where it came from; one per line collected.
 *
 * @param instance the instance key (web:1.4.2#1)
 * @param text the line without its terminator
 */
public record LogLine(Instant timestamp, String node, String app, String instance, StdStream stream, String text) {}
