package glow.actors.instance;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import glow.actors.files.AtomicFiles;
import glow.conf.snapshot.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an instance kept while its rollout is stopped, remembered across node restarts in {@code
 * <dataDir>/kept/<app>-<n>.json}: the spec it ran, the target whose rollout stopped and why; at
 * most one file per instance on its node, written when the instance first hears the halt and
 * deleted when a new commit lifts it or the deployment goes.
 *
 * <p>It applies only while the repo still asks for exactly {@code halted} (a new commit is another
 * target): a file left behind by a crash is harmless and is deleted on the next look.
 *
 * @param halted the {@link glow.actors.rollout.RolloutTarget#id()} whose rollout stopped
 * @param reason the coordinator's reason, repeated to the coordinator in down reports and asks
 * @param spec the spec the instance ran and comes back on
 */
record KeptSpec(String halted, String reason, InstanceSpec spec) {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  static Path file(Path dataDir, String key) {
    return dataDir.resolve("kept").resolve(key.replace('#', '-') + ".json");
  }

  /**
   * The file's content, or empty when there is none or it cannot be read (then the instance
   * follows the repo, as before this file existed).
   */
  static Optional<KeptSpec> read(Path file) throws IOException {
    if (!Files.exists(file)) return Optional.empty();
    return Optional.of(JSON.readValue(file.toFile(), KeptSpec.class));
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }

  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }
}
