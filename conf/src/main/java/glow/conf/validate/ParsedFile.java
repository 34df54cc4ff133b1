package glow.conf.validate;

import glow.conf.Problem;
import glow.conf.yaml.Positions;
import java.util.List;

/**
 * One YAML file of the repo after reading it alone; one per file per load.
 *
 * @param spec      the record read (AppSpec, DeploymentSpec ...), meaningful only without problems; may be null
 * @param problems  what is wrong inside this file alone; empty = usable
 */
public record ParsedFile(String path, Kind kind, String text, Object spec, Positions positions, List<Problem> problems) {
  public ParsedFile {
    problems = List.copyOf(problems);
  }
}
