package glow.actors.process;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A process driver whose processes live in memory, for actor tests; one per test.
 *
 * <p>It keeps the driver contract without an OS: a process "runs" until the test makes it exit
 * ({@link InMemoryProcess#exit(int)}) or a signal ends it; it records every signal it receives;
 * TERM ends it unless it was told to ignore TERM, in which case {@link RunningProcess#stop} KILLs
 * it after the grace, in real time; HUP is recorded and does not end it (like an app that reloads
 * on HUP). Starts fail like the real driver does when the working directory is missing, or when a
 * test asks for it with {@link #failNextStart(String)}.
 */
public final class InMemoryProcessDriver implements ProcessDriver {
  private final AtomicLong nextPid = new AtomicLong(10_000);
  private final List<InMemoryProcess> started = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "in-memory-process-timer");
    t.setDaemon(true);
    return t;
  });
  private final Clock clock;
  private volatile Consumer<InMemoryProcess> onStart = p -> {};
  private volatile String nextStartFailure;
  private volatile boolean closed;

  public InMemoryProcessDriver() {
    this(Clock.systemUTC());
  }

  public InMemoryProcessDriver(Clock clock) {
    this.clock = clock;
  }

  /** Runs for every process right after it started (for example p -> p.exit(1) for a crash loop). */
  public void onStart(Consumer<InMemoryProcess> behaviour) {
    this.onStart = behaviour;
  }

  /** The next start throws a ProcessStartException with this message. */
  public void failNextStart(String message) {
    this.nextStartFailure = message;
  }

  @Override
  public InMemoryProcess start(ProcessSpec spec) throws ProcessStartException {
    if (closed) throw new ProcessStartException("cannot start " + spec.command() + ": the process driver is closed");
    String failure = nextStartFailure;
    if (failure != null) {
      nextStartFailure = null;
      throw new ProcessStartException(failure);
    }
    if (!Files.isDirectory(spec.workingDir())) {
      throw new ProcessStartException("cannot start " + spec.command() + ": working directory "
          + spec.workingDir() + " does not exist");
    }
    InMemoryProcess p = new InMemoryProcess(nextPid.getAndIncrement(), spec);
    started.add(p);
    onStart.accept(p);
    return p;
  }

  /** Every process started so far, oldest first. */
  public List<InMemoryProcess> started() {
    return List.copyOf(started);
  }

  /** The processes still running. */
  public List<InMemoryProcess> running() {
    return started.stream().filter(InMemoryProcess::isRunning).toList();
  }

  public Optional<InMemoryProcess> lastStarted() {
    return started.isEmpty() ? Optional.empty() : Optional.of(started.get(started.size() - 1));
  }

  @Override
  public void close() {
    closed = true;
    for (InMemoryProcess p : running()) {
      p.signal(Signal.TERM);
      p.signal(Signal.KILL); // no grace at close: the timer is going away
    }
    timer.shutdown();
  }

  /** One in-memory process; the test drives it. */
  public final class InMemoryProcess implements RunningProcess {
    private final long pid;
    private final ProcessSpec spec;
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile boolean ignoresTerm;

    InMemoryProcess(long pid, ProcessSpec spec) {
      this.pid = pid;
      this.spec = spec;
    }

    public ProcessSpec spec() {
      return spec;
    }

    /** Signals received so far, in order (stop's TERM and KILL included). */
    public List<Signal> signals() {
      return new ArrayList<>(signals);
    }

    public boolean isRunning() {
      return !exit.isDone();
    }

    /** From now on TERM is recorded but does not end the process. */
    public InMemoryProcess ignoreTerm() {
      ignoresTerm = true;
      return this;
    }

    /** Writes one line to the spec's consumer, as if the process printed it. */
    public void emit(StdStream stream, String text) {
      spec.output().accept(new OutputLine(stream, clock.instant(), text, false));
    }

    /** The process exits by itself with this code. */
    public void exit(int code) {
      exit.complete(new ExitStatus.Exited(code));
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
      return exit;
    }

    @Override
    public void signal(Signal signal) {
      if (exit.isDone()) return;
      signals.add(signal);
      if (signal == Signal.KILL || (signal == Signal.TERM && !ignoresTerm)) {
        exit.complete(new ExitStatus.Killed(signal.number()));
      }
    }

    @Override
    public CompletableFuture<ExitStatus> stop(Duration grace) {
      if (exit.isDone()) return exit;
      signal(Signal.TERM);
      if (!exit.isDone()) {
        timer.schedule(() -> signal(Signal.KILL), grace.toMillis(), TimeUnit.MILLISECONDS);
      }
      return exit;
    }

    @Override
    public String toString() {
      return "in-memory process " + pid + " " + spec.command();
    }
  }
}
