package glow.actors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceEnvTest {
  static LinkedHashMap<String, Integer> ports() {
    LinkedHashMap<String, Integer> p = new LinkedHashMap<>();
    p.put("http", 8081);
    p.put("admin-metrics", 9101);
    return p;
  }

  @Test
  void setsGlowVariablesPortsAndTheAppEnvOnTopOfTheNodes() throws Exception {
    LinkedHashMap<String, String> appEnv = new LinkedHashMap<>();
    appEnv.put("LISTEN", "127.0.0.1:${PORT}");
    appEnv.put("URL", "http://${LISTEN}/${GLOW_INSTANCE_ID}");
    appEnv.put("HOME", "/srv/web");
    Map<String, String> env = InstanceEnv.build(Map.of("PATH", "/usr/bin", "HOME", "/root"), "web", "web-image", "1.4.2", 2,
        "web:1.4.2#2", "n1", Path.of("/data/web-2/conf/app.properties"), ports(), appEnv);
    assertEquals("/usr/bin", env.get("PATH"));
    assertEquals("web", env.get("GLOW_APP"));
    assertEquals("web-image", env.get("GLOW_IMAGE"));
    assertEquals("1.4.2", env.get("GLOW_VERSION"));
    assertEquals("2", env.get("GLOW_INSTANCE"));
    assertEquals("web:1.4.2#2", env.get("GLOW_INSTANCE_ID"));
    assertEquals("n1", env.get("GLOW_NODE"));
    assertEquals("/data/web-2/conf/app.properties", env.get("GLOW_CONFIG"));
    assertEquals("8081", env.get("PORT_HTTP"));
    assertEquals("9101", env.get("PORT_ADMIN_METRICS"));
    assertEquals("8081", env.get("PORT"), "PORT is the first declared port");
    assertEquals("127.0.0.1:8081", env.get("LISTEN"));
    assertEquals("http://127.0.0.1:8081/web:1.4.2#2", env.get("URL"), "app env may use earlier app env");
    assertEquals("/srv/web", env.get("HOME"), "the app's env wins over the node's");
  }

  @Test
  void noConfigNoPortsMeansNoGlowConfigAndNoPort() throws Exception {
    Map<String, String> env = InstanceEnv.build(Map.of(), "job", "job", "1", 1, "job:1#1", "n1", null, Map.of(), Map.of());
    assertFalse(env.containsKey("GLOW_CONFIG"));
    assertFalse(env.containsKey("PORT"));
  }

  @Test
  void anUnknownVariableInTheAppEnvNamesTheKeyAndGlowsVariables() {
    UnknownVariableException e = assertThrows(UnknownVariableException.class, () -> InstanceEnv.build(
        Map.of("PATH", "/usr/bin"), "web", "web", "1", 1, "web:1#1", "n1", null, ports(), Map.of("TLS", "${PORT_HTTPS}")));
    assertEquals("env TLS: unknown variable ${PORT_HTTPS} (known: GLOW_APP, GLOW_IMAGE, GLOW_VERSION, GLOW_INSTANCE, "
        + "GLOW_INSTANCE_ID, GLOW_NODE, PORT_HTTP, PORT, PORT_ADMIN_METRICS, and the node's environment)", e.getMessage());
  }
}
