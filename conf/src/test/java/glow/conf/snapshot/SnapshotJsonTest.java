package glow.conf.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import glow.conf.repo.RepoLoader;
import glow.conf.repo.RepoSource;
import glow.conf.spec.HealthSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Snapshots cross nodes as Jackson (CBOR) messages; everything but the last-good history survives. */
class SnapshotJsonTest {

  @Test
  void snapshotSurvivesAJacksonRoundTripExceptItsLastGoodHistory() throws Exception {
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    Snapshot s = RepoLoader.load(RepoSource.directory(Path.of("../examples/demo")), null);
    Snapshot back = json.readValue(json.writeValueAsBytes(s), Snapshot.class);
    assertEquals(new Snapshot(s.version(), s.apps(), s.instances(), s.externals(), s.exposes(), s.jobs(), s.services(),
        s.jobRuns(), s.problems(), null), back);
    assertEquals(Snapshot.Accepted.NONE, back.accepted());
  }

  @Test
  void healthRestartAfterNeverStaysNeverAcrossJackson() throws Exception {
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    HealthSpec never = new HealthSpec("http", "/healthz", Duration.ofSeconds(2), Duration.ofSeconds(1), null);
    HealthSpec byDefault = new HealthSpec("http", null, null, null);
    assertEquals(never, json.readValue(json.writeValueAsBytes(never), HealthSpec.class));
    assertEquals(byDefault, json.readValue(json.writeValueAsBytes(byDefault), HealthSpec.class));
  }
}
