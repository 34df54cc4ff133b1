package glow.actors.job;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import glow.actors.cluster.InstanceSupervisors;
import glow.actors.cluster.PinnedEntityIds;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Which jobs have a run going on one node, asked of the job runners alive there (for housekeeping,
 * which must never remove the directory of a running job); stateless.
 *
 * <p>Only runners that exist are asked: the local shard region lists them, so asking creates no
 * runner for a job the repo no longer has. A run's process lives no longer than its runner (the
 * runner stops it when it stops, and it dies with its node), so a job without a live runner here has
 * no run going here.
 */
public final class RunningJobs {
  private RunningJobs() {}

  /**
   * The names of the jobs with a run in state {@code running} on {@code node} (this node); fails when
   * the shard region or a runner does not answer within {@code timeout}, or a shard could not report.
   */
  public static CompletionStage<Set<String>> here(ActorSystem<?> system, InstanceSupervisors<JobRunner.Command> runners,
      String node, Duration timeout) {
    CompletionStage<ShardRegion.CurrentShardRegionState> state = AskPattern.ask(ClusterSharding.get(system).shardState(),
        replyTo -> new GetShardRegionState(runners.typeKey(), replyTo), timeout, system.scheduler());
    return state.thenCompose(s -> {
      if (!s.getFailed().isEmpty()) {
        return CompletableFuture.failedFuture(new IllegalStateException("shards " + s.getFailed() + " did not report"));
      }
      List<CompletableFuture<JobRunner.History>> asks = s.getShards().stream()
          .flatMap(shard -> shard.getEntityIds().stream())
          .filter(id -> PinnedEntityIds.node(id).equals(node) && PinnedEntityIds.instanceKey(id).startsWith("job:"))
          .map(id -> runners.entityRef(node, PinnedEntityIds.instanceKey(id))
              .<JobRunner.History>ask(JobRunner.GetHistory::new, timeout).toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> asks.stream()
          .map(CompletableFuture::join)
          .filter(h -> h.runs().stream().anyMatch(JobRun::running))
          .map(JobRunner.History::job)
          .collect(Collectors.toSet()));
    });
  }
}
