package glow.actors.process;

import java.time.Instant;

/**
 * One line a child wrote, without its line terminator; one per line read.
 *
 * @param at when the reader saw the end of the line (or the cap)
 * @param truncated true when the line was longer than the cap: text holds the first cap bytes
 *     (decoded) and the rest of the line was dropped
 */
public record OutputLine(StdStream stream, Instant at, String text, boolean truncated) {}
