package glow.actors.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import glow.actors.rollout.RolloutTarget;
import glow.conf.snapshot.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept spec file: a spec loaded by the real repo loader survives it exactly (same target digest). */
class KeptSpecTest {
  @TempDir Path root;

  @Test
  void aFullSpecSurvivesTheFileExactlyAndAMissingFileIsEmpty() throws IOException {
    Fixture fx = new Fixture(root);
    fx.file("apps/web.yaml", """
        image: web
        version: 1.0.0
        command: [bin/start, --port, "${PORT_HTTP}"]
        env: {MODE: prod}
        provides: {http: 8080, stats: 9000/udp}
        requires:
          - api:http -> 7001
        config: {path: web.conf, source: configs/web.conf, on-change: restart}
        health: {port: http, http: /healthz, interval: 500ms, timeout: 1s, restart-after: 20s}
        limits: {memory: 256M, processes: 64}
        rollout: {max-unavailable: 2}
        tags: [front]
        """)
        .file("apps/api.yaml", "image: api\nversion: 2.0.0\nprovides: {http: 8181}\n")
        .file("configs/web.conf", "greeting=${GLOW_INSTANCE_ID}\n")
        .file("deployments/api-1.yaml", "app: api\nnode: n1\n")
        .file("deployments/web-2.yaml", "app: web\nnode: n1\ninstance: 2\nport-offset: 1\n").load();
    InstanceSpec spec = fx.snapshot.get().instance("web#2").orElseThrow();
    Path file = KeptSpec.file(fx.data, "web#2");
    assertEquals(fx.data.resolve("kept/web-2.json"), file);
    assertTrue(KeptSpec.read(file).isEmpty());

    new KeptSpec("1.1.0/abc", "web#1 on n2: exited with code 1 before it was healthy", spec).write(file);
    KeptSpec back = KeptSpec.read(file).orElseThrow();

    assertEquals(spec, back.spec());
    assertEquals(RolloutTarget.of(spec), RolloutTarget.of(back.spec()));
    assertEquals("1.1.0/abc", back.halted());
    assertEquals("web#1 on n2: exited with code 1 before it was healthy", back.reason());
    KeptSpec.delete(file);
    assertTrue(!Files.exists(file));
  }
}
