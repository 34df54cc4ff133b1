package glow.conf.validate;

import glow.conf.yaml.Positions;

/**
 * The version of one file that a load is trying to use; one per file per validation round.
 *
 * @param text    the text this version was read from
 * @param changed true when it is a new or edited file (it may still be replaced by its last good version)
 * @param kept    true when it is the previous snapshot's version, kept because the current one failed
 */
public record Candidate(String path, Kind kind, String text, Object spec, Positions positions, boolean changed, boolean kept) {}
