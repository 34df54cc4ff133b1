package glow.actors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VarsTest {
  final Map<String, String> vars = Map.of("PORT", "8080", "PORT_HTTP", "8080", "GLOW_APP", "web");

  @Test
  void expandsReferences() throws Exception {
    assertEquals("--port 8080 --name web", Vars.expand("--port ${PORT_HTTP} --name ${GLOW_APP}", vars));
  }

  @Test
  void aDoubleDollarGivesALiteralReference() throws Exception {
    assertEquals("${PORT} is 8080", Vars.expand("$${PORT} is ${PORT}", vars));
  }

  @Test
  void aLoneDollarStays() throws Exception {
    assertEquals("costs $5 and $HOME", Vars.expand("costs $5 and $HOME", vars));
  }

  @Test
  void anUnknownVariableIsNamedWithTheKnownOnes() {
    UnknownVariableException e = assertThrows(UnknownVariableException.class, () -> Vars.expand("${PORT_HTTPS}", vars));
    assertEquals("PORT_HTTPS", e.variable());
    assertEquals("unknown variable ${PORT_HTTPS} (known: GLOW_APP, PORT, PORT_HTTP)", e.getMessage());
  }

  @Test
  void anUnterminatedReferenceIsAnError() {
    UnknownVariableException e = assertThrows(UnknownVariableException.class, () -> Vars.expand("x ${PORT", vars));
    assertEquals("unterminated ${ at offset 2 in \"x ${PORT\"; close it with } or write $${ for a literal ${", e.getMessage());
  }
}
