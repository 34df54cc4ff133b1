package glow.actors.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job messages that cross nodes (scheduler to runner, API to runner and back) survive the
 * configured serializer (jackson-cbor) unchanged, Instants and nulls included.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobMessagesSerializationTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Object roundTrip(Object message) {
    Serialization s = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = s.findSerializerFor(message);
    assertEquals("akka.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName());
    byte[] bytes = s.serialize(message).get();
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }

  @Test
  void ticksHistoriesAndRepliesCrossNodesUnchanged() {
    Instant tick = Instant.parse("2026-01-01T00:01:00Z");
    JobRun run = new JobRun(3, "schedule", tick, Instant.parse("2026-01-01T00:01:00.120Z"),
        Instant.parse("2026-01-01T00:01:02.250Z"), "failed", "exited with code 3", 3, "1.0.0", 4242L, "/d/job:x#3.log");
    JobRun going = new JobRun(4, "manual", null, tick, null, "running", "started, pid 1", null, "1.0.0", 1L, null);
    for (Object m : List.of(new JobRunner.RunTick(tick), new JobRunner.LastTick("x", tick), new JobRunner.LastTick("x", null),
        new JobRunner.History("x", "n2", tick, List.of(run, going)), new JobRunner.Stop())) {
      assertEquals(m, roundTrip(m));
    }
    JobRunner.RunNow now = new JobRunner.RunNow(testKit.<akka.pattern.StatusReply<Integer>>createTestProbe().getRef());
    assertEquals(now, roundTrip(now));
  }
}
