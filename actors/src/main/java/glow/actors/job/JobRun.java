package glow.actors.job;

import glow.actors.CborSerializable;
import java.time.Duration;
import java.time.Instant;

/**
 * One entry of a job's history: a run that started (and maybe ended), or a tick that was skipped;
 * immutable, one per run id.
 *
 * @param id       1, 2, 3 ... per job on its node, never reused
 * @param trigger  "schedule" or "manual"
 * @param tick     the schedule time this run is for (null for a manual run)
 * @param started  when the process was asked to start (or when the tick was skipped)
 * @param ended    null while running
 * @param state    running, succeeded, failed, timed-out, replaced, skipped, lost, start-failed
 * @param detail   a sentence for humans: the exit status, why it was skipped or lost
 * @param exitCode the exit code, 128+N for signal N; null while running or when no process ran
 * @param version  the app version this run runs (it keeps it to the end, whatever the repo says)
 * @param log      absolute path of the run's log file; null when no process ran
 */
public record JobRun(int id, String trigger, Instant tick, Instant started, Instant ended, String state,
    String detail, Integer exitCode, String version, Long pid, String log) implements CborSerializable {

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean running() {
    return "running".equals(state);
  }

  /** Milliseconds from start to end; null while running. */
  @com.fasterxml.jackson.annotation.JsonProperty("durationMs")
  public Long durationMs() {
    return ended == null || started == null ? null : Duration.between(started, ended).toMillis();
  }

  JobRun ended(Instant at, String newState, String newDetail, Integer code) {
    return new JobRun(id, trigger, tick, started, at, newState, newDetail, code, version, pid, log);
  }
}
