package glow.actors.job;

import com.cronutils.model.time.ExecutionTime;
import glow.conf.spec.JobSpec;
import java.time.Instant;
import java.util.Optional;

/** When a job's cron fires, in the job's time zone (UTC by default); stateless. */
public final class JobSchedule {
  private JobSchedule() {}

  /** The latest tick strictly before {@code now}, if the schedule ever fired before it. */
  public static Optional<Instant> latest(JobSpec job, Instant now) {
    return ExecutionTime.forCron(job.cron()).lastExecution(now.atZone(job.timeZone())).map(z -> z.toInstant());
  }

  /** The first tick strictly after {@code now}. */
  public static Optional<Instant> next(JobSpec job, Instant now) {
    return ExecutionTime.forCron(job.cron()).nextExecution(now.atZone(job.timeZone())).map(z -> z.toInstant());
  }
}
