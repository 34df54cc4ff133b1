package glow.actors.instance;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import glow.actors.instance.InstanceSupervisor.Command;
import glow.actors.instance.InstanceSupervisor.Stop;
import glow.actors.process.InMemoryProcessDriver;
import glow.actors.registry.ServiceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the in-memory supervisor tests share: a {@link Fixture}, the in-memory driver, a registry
 * probe, a probe of every status on the event stream, and the supervisors a test started, all
 * stopped by {@link #close()} so that none outlives its test; one per test.
 */
final class Supervised implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  final Fixture fx;
  final InMemoryProcessDriver driver = new InMemoryProcessDriver();
  final TestProbe<ServiceRegistry.Command> registry;
  final TestProbe<InstanceStatus> events;
  /** Stopped by close; a test that stops one itself removes it. */
  final List<ActorRef<Command>> supervisors = new ArrayList<>();
  private final ActorTestKit testKit;

  Supervised(ActorTestKit testKit, Path root) throws IOException {
    this.testKit = testKit;
    fx = new Fixture(root);
    registry = testKit.createTestProbe();
    events = testKit.createTestProbe();
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(InstanceStatus.class, events.ref()));
  }

  @Override
  public void close() {
    TestProbe<Object> watcher = testKit.createTestProbe();
    for (ActorRef<Command> sup : supervisors) {
      sup.tell(new Stop());
      watcher.expectTerminated(sup, WAIT);
    }
    testKit.system().eventStream().tell(new EventStream.Unsubscribe<>(events.ref()));
    driver.close();
    fx.hub.close();
  }
}
