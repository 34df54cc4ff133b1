package glow.actors.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Starts real Linux processes for the node, each in its own session and process group; one per
 * node.
 *
 * <p>No orphans. The real path is explicit: a supervisor stops its process, and {@link #close()}
 * stops whatever is left (a JVM shutdown hook calls it as a last resort on a normal exit). When
 * the node is killed with -9 nothing in the JVM runs, so the choice is "children die with it"
 * rather than "the next start re-adopts them" (re-adopting would need the pipes, which die with
 * the JVM, so output would be lost and exits unobservable):
 *
 * <ol>
 *   <li>Every child carries a parent-death signal of KILL (setpriv --pdeathsig, see {@link
 *       LaunchChain}). Linux sends it when the <em>thread</em> that forked the child exits, so all
 *       children are forked from one dedicated launcher thread that lives as long as the driver.
 *   <li>The parent-death signal reaches only the main process, and there is a window between fork
 *       and setpriv's prctl. So the driver also writes a record per child (pgid, start time, a
 *       token put in the child's environment) under its state dir, and {@link #reapLeftovers()} at
 *       the next start KILLs what is provably left of those groups (grandchildren included) and
 *       never a process that merely got a recycled pid.
 * </ol>
 *
 * <p>When a main process ends, the rest of its process group is killed before {@link
 * RunningProcess#onExit()} completes: an instance's process tree lives and dies with it.
 */
public final class OsProcessDriver implements ProcessDriver {
  /** Poll period while waiting for a process group to empty, in milliseconds. */
  private static final long POLL_MS = 20;

  private final LaunchChain.Tools tools;
  private final Leftovers leftovers;
  private final Clock clock;
  private final Launcher launcher = new Launcher();
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private final Set<OsProcess> live = ConcurrentHashMap.newKeySet();
  private final Thread shutdownHook;
  private volatile boolean closed;

  /** @param stateDir where pid records of running children are kept (created when missing) */
  public OsProcessDriver(Path stateDir) {
    this(stateDir, Clock.systemUTC());
  }

  public OsProcessDriver(Path stateDir, Clock clock) {
    this.tools = LaunchChain.Tools.fromPath();
    this.leftovers = new Leftovers(stateDir);
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.readers = Executors.newCachedThreadPool(r -> daemon(r, "glow-process-output-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "glow-process-timer"));
    this.shutdownHook = new Thread(this::stopAllOnShutdown, "glow-process-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** What {@link #reapLeftovers()} killed: one entry per recorded group that still had members. */
  public record Reaped(long pgid, List<Long> killedPids) {}

  /**
   * Kills what previous runs of a driver on the same state dir left behind (after a kill -9 of
   * the node) and clears their records. Call once at node start, before starting anything.
   */
  public List<Reaped> reapLeftovers() {
    String boot = ProcTable.bootId();
    Set<String> mine = new java.util.HashSet<>();
    for (OsProcess p : live) mine.add(p.entry.token());
    List<Reaped> out = new ArrayList<>();
    for (Leftovers.Entry e : leftovers.list()) {
      if (mine.contains(e.token())) continue;
      if (e.bootId().equals(boot)) {
        List<Long> killed = new ArrayList<>();
        // a few rounds: a member may fork between the scan and the kill
        for (int round = 0; round < 5; round++) {
          List<Long> members = Leftovers.provenMembers(e);
          if (members.isEmpty()) break;
          kill(Signal.KILL, members.stream().map(String::valueOf).toList());
          for (Long pid : members) if (!killed.contains(pid)) killed.add(pid);
          waitUntil(() -> Leftovers.provenMembers(e).isEmpty(), Duration.ofSeconds(2));
        }
        if (!killed.isEmpty()) out.add(new Reaped(e.pgid(), List.copyOf(killed)));
      }
      leftovers.forget(e);
    }
    return out;
  }

  @Override
  public RunningProcess start(ProcessSpec spec) throws ProcessStartException {
    if (closed) throw new ProcessStartException("cannot start " + spec.command() + ": the process driver is closed");
    checkRunnable(spec);
    Optional<LaunchChain.UserIds> user = resolveUser(spec);
    List<String> argv = LaunchChain.build(tools, spec, user);
    String token = UUID.randomUUID().toString();
    Map<String, String> env = new HashMap<>(spec.environment());
    env.put(Leftovers.TOKEN_VAR, token);
    ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.workingDir().toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    OsProcess p;
    try {
      p = launcher.call(() -> {
        Process process = pb.start();
        long pid = process.pid();
        long start = ProcTable.stat(pid).map(ProcTable.ProcStat::startTicks).orElse(-1L);
        Leftovers.Entry entry = new Leftovers.Entry(pid, start, ProcTable.bootId(), token);
        leftovers.record(entry);
        return new OsProcess(process, entry);
      });
    } catch (ExecutionException e) {
      throw new ProcessStartException("cannot start " + spec.command() + " in " + spec.workingDir() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
    live.add(p);
    // setsid runs a few microseconds after the fork: wait until the child leads its own group so
    // that a signal sent right after start reaches the group
    waitUntil(() -> ProcTable.stat(p.pid()).map(s -> s.pgrp() == p.pid() || !s.alive()).orElse(true),
        Duration.ofSeconds(2));
    CompletableFuture<Void> out = CompletableFuture.runAsync(
        new LineReader(p.process.getInputStream(), StdStream.STDOUT, spec.output(), clock), readers);
    CompletableFuture<Void> err = CompletableFuture.runAsync(
        new LineReader(p.process.getErrorStream(), StdStream.STDERR, spec.output(), clock), readers);
    closeQuietly(p.process);
    p.watch(CompletableFuture.allOf(out, err));
    return p;
  }

  /** The children read no stdin: closing it gives them EOF instead of a pipe nobody writes. */
  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static void checkRunnable(ProcessSpec spec) throws ProcessStartException {
    if (!Files.isDirectory(spec.workingDir())) {
      throw new ProcessStartException("cannot start " + spec.command() + ": working directory "
          + spec.workingDir() + " does not exist");
    }
    String program = spec.command().get(0);
    if (program.contains("/")) {
      Path exe = spec.workingDir().resolve(program);
      if (!Files.exists(exe)) {
        throw new ProcessStartException("cannot start " + spec.command() + ": " + exe + " does not exist");
      }
      if (!Files.isExecutable(exe)) {
        throw new ProcessStartException("cannot start " + spec.command() + ": " + exe
            + " is not executable (chmod +x it in the artifact)");
      }
    }
  }

  private Optional<LaunchChain.UserIds> resolveUser(ProcessSpec spec) throws ProcessStartException {
    if (spec.runAsUser().isEmpty()) return Optional.empty();
    String user = spec.runAsUser().get();
    String me = System.getProperty("user.name");
    if (user.equals(me)) return Optional.empty();
    if (!"root".equals(me)) {
      throw new ProcessStartException("cannot run " + spec.command() + " as user " + user
          + ": the node runs as " + me + " and only root can switch users; run the node as root or drop the user setting");
    }
    try {
      return Optional.of(new LaunchChain.UserIds(user, idOf(user, "-u"), idOf(user, "-g")));
    } catch (IOException e) {
      throw new ProcessStartException("cannot run " + spec.command() + " as user " + user + ": " + e.getMessage(), e);
    }
  }

  private static long idOf(String user, String flag) throws IOException {
    Process id = new ProcessBuilder("id", flag, user).redirectErrorStream(true).start();
    String out = new String(id.getInputStream().readAllBytes()).trim();
    try {
      if (!id.waitFor(5, TimeUnit.SECONDS) || id.exitValue() != 0) {
        throw new IOException("no such user (id " + flag + " " + user + ": " + out + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while looking up user " + user);
    }
    return Long.parseLong(out);
  }

  /** Sends a signal with kill(1); targets are pids, or "-PGID" for a whole group. */
  private boolean kill(Signal signal, List<String> targets) {
    if (targets.isEmpty()) return true;
    List<String> argv = new ArrayList<>(List.of(tools.kill().toString(), "-s", signal.name(), "--"));
    argv.addAll(targets);
    try {
      Process k = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return k.waitFor(5, TimeUnit.SECONDS) && k.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean waitUntil(Supplier<Boolean> condition, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) return false;
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MS); // polling /proc: there is no event for "group empty"
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return condition.get();
      }
    }
    return true;
  }

  /**
   * KILLs the group until no live member is left (a member may fork while being killed), polling
   * on the timer thread; gives up after a minute, since a process stuck in the kernel (state D)
   * cannot be hurried and the caller must learn about the exit anyway.
   */
  private CompletableFuture<Void> killGroupUntilGone(long pgid) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    Runnable[] check = new Runnable[1];
    int[] rounds = {0};
    check[0] = () -> {
      if (ProcTable.liveMembers(pgid).isEmpty() || System.nanoTime() > deadline) {
        done.complete(null);
        return;
      }
      if (rounds[0]++ % 10 == 0) kill(Signal.KILL, List.of("-" + pgid)); // again every ~200 ms
      try {
        timer.schedule(check[0], POLL_MS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException driverClosed) {
        done.complete(null); // report the exit rather than never
      }
    };
    timer.execute(check[0]);
    return done;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    stopAll(Duration.ofSeconds(5));
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran: nothing to remove
    }
    launcher.shutdown();
    readers.shutdown();
    timer.shutdown();
  }

  /**
   * KILLs every process group this driver started, at once, and waits at most {@code max} for them
   * to be gone; for a node about to halt its JVM (no shutdown hook runs then). The driver starts
   * nothing afterwards. Groups still alive after {@code max} keep their records, so the next start
   * reaps them.
   *
   * @return the pgids of the groups that were still alive and were killed
   */
  public List<Long> killAllNow(Duration max) {
    closed = true;
    List<OsProcess> groups = List.copyOf(live);
    List<Long> pgids = groups.stream().map(OsProcess::pid).toList();
    if (pgids.isEmpty()) return pgids;
    kill(Signal.KILL, pgids.stream().map(pgid -> "-" + pgid).toList());
    waitUntil(() -> pgids.stream().allMatch(pgid -> ProcTable.liveMembers(pgid).isEmpty()), max);
    for (OsProcess p : groups) {
      if (ProcTable.liveMembers(p.pid()).isEmpty()) leftovers.forget(p.entry);
    }
    return pgids;
  }

  private void stopAllOnShutdown() {
    closed = true;
    stopAll(Duration.ofSeconds(3));
  }

  private void stopAll(Duration grace) {
    List<CompletableFuture<ExitStatus>> stops = new ArrayList<>();
    for (OsProcess p : live) stops.add(p.stop(grace).toCompletableFuture());
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // best effort at the end: what is left is reaped at the next start
    }
  }

  /** One started child. */
  private final class OsProcess implements RunningProcess {
    private final Process process;
    private final Leftovers.Entry entry;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    OsProcess(Process process, Leftovers.Entry entry) {
      this.process = process;
      this.entry = entry;
    }

    void watch(CompletableFuture<Void> readersDone) {
      // the main process is gone: the rest of its tree goes too
      process.onExit().thenCompose(p -> killGroupUntilGone(pid())).thenCompose(v ->
        // output still buffered in the pipes is delivered before the exit is reported; bounded,
        // because a process that left the group on purpose may hold the pipe open
        readersDone.completeOnTimeout(null, 1, TimeUnit.SECONDS)
      ).whenComplete((v, t) -> {
        live.remove(this);
        leftovers.forget(entry);
        exit.complete(ExitStatus.of(process.exitValue()));
      });
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
      return exit.copy(); // callers cannot complete the real one
    }

    @Override
    public void signal(Signal signal) {
      if (exit.isDone()) return;
      if (!kill(signal, List.of("-" + pid())) && process.isAlive()) kill(signal, List.of(String.valueOf(pid())));
    }

    @Override
    public CompletableFuture<ExitStatus> stop(Duration grace) {
      if (exit.isDone()) return exit.copy();
      signal(Signal.TERM);
      timer.schedule(() -> {
        if (!exit.isDone()) signal(Signal.KILL);
      }, grace.toMillis(), TimeUnit.MILLISECONDS);
      return exit.copy();
    }

    @Override
    public String toString() {
      return "process " + pid();
    }
  }

  /**
   * The one thread every child is forked from, alive as long as the driver: the kernel sends a
   * child its parent-death signal when the forking thread exits, so a pool that retires idle
   * threads would kill children at random.
   */
  private static final class Launcher {
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;

    Launcher() {
      thread = new Thread(() -> {
        while (true) {
          Runnable task;
          try {
            task = tasks.take();
          } catch (InterruptedException e) {
            return;
          }
          task.run(); // never throws: call() wraps every task
        }
      }, "glow-process-launcher");
      thread.setDaemon(true);
      thread.start();
    }

    <T> T call(java.util.concurrent.Callable<T> body) throws ExecutionException {
      CompletableFuture<T> result = new CompletableFuture<>();
      tasks.add(() -> {
        try {
          result.complete(body.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
      try {
        return result.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExecutionException(new IOException("interrupted while starting"));
      }
    }

    void shutdown() {
      thread.interrupt();
    }
  }
}
