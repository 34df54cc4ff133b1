package glow.actors.job;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import glow.actors.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one job's runner remembers across node restarts, {@code <dataDir>/jobs/<name>/history.json}:
 * the last schedule tick it accepted, the next run id and the runs, newest last; one per job on
 * its node, immutable (the runner replaces it and writes it atomically: write, fsync, rename).
 *
 * <p>The last tick is the dedup key of the exactly-once scheme: a tick at or before it is a resend
 * (singleton moved, scheduler restarted) and is dropped. It is written before the run's process is
 * started, so a crash between the two loses that run rather than running it twice.
 */
public record JobHistory(Instant lastTick, int nextId, List<JobRun> runs) {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public static final JobHistory EMPTY = new JobHistory(null, 1, List.of());

  public JobHistory {
    runs = List.copyOf(runs);
    nextId = Math.max(1, nextId);
  }

  /** Reads the file; a missing file is an empty history. */
  static JobHistory read(Path file) throws IOException {
    if (!Files.exists(file)) return EMPTY;
    return JSON.readValue(file.toFile(), JobHistory.class);
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }

  JobHistory withTick(Instant tick) {
    return new JobHistory(tick, nextId, runs);
  }

  /** Appends a new run and takes its id. */
  JobHistory add(JobRun run) {
    List<JobRun> next = new ArrayList<>(runs);
    next.add(run);
    return new JobHistory(lastTick, Math.max(nextId, run.id() + 1), next);
  }

  JobHistory replace(JobRun run) {
    List<JobRun> next = new ArrayList<>(runs);
    next.replaceAll(r -> r.id() == run.id() ? run : r);
    return new JobHistory(lastTick, nextId, next);
  }

  /** Keeps every running run and the newest {@code keep} others; returns the dropped ones too. */
  Trimmed trim(int keep) {
    List<JobRun> finished = runs.stream().filter(r -> !r.running()).toList();
    int drop = Math.max(0, finished.size() - keep);
    List<JobRun> dropped = finished.subList(0, drop);
    List<JobRun> kept = runs.stream().filter(r -> !dropped.contains(r)).toList();
    return new Trimmed(new JobHistory(lastTick, nextId, kept), List.copyOf(dropped));
  }

  record Trimmed(JobHistory history, List<JobRun> dropped) {}
}
