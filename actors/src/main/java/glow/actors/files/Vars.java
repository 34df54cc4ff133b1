package glow.actors.files;

import java.util.Map;
import java.util.TreeSet;

/** Expands ${NAME} references in commands, env values and config templates; stateless. */
public final class Vars {
  private Vars() {}

  /**
   * Replaces every {@code ${NAME}} with its value; {@code $${} gives a literal {@code ${}; a {@code
   * $} not followed by {@code {} stays as it is (shell snippets keep working).
   *
   * @throws UnknownVariableException naming the variable and the known ones, or an unterminated ${
   */
  public static String expand(String template, Map<String, String> vars) throws UnknownVariableException {
    StringBuilder out = new StringBuilder(template.length());
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '$' && template.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && template.startsWith("${", i)) {
        int end = template.indexOf('}', i + 2);
        if (end < 0) {
          throw new UnknownVariableException("", "unterminated ${ at offset " + i + " in \"" + template
              + "\"; close it with } or write $${ for a literal ${");
        }
        String name = template.substring(i + 2, end);
        String value = vars.get(name);
        if (value == null) {
          throw new UnknownVariableException(name, "unknown variable ${" + name + "} (known: "
              + String.join(", ", new TreeSet<>(vars.keySet())) + ")");
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
