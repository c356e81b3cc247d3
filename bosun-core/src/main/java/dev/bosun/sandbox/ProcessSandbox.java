package dev.bosun.sandbox;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code process} runtime: runs a worker as a plain child process of Bosun, in its workspace,
 * with no isolation beyond a clean environment. Meant for trusted agents and development.
 *
 * <ul>
 *   <li>The environment is empty except PATH (Bosun's own, or a default), HOME (the workspace root),
 *       LANG=C.UTF-8 and the spec's variables.</li>
 *   <li>stdout and stderr are appended to the workspace's log files and stdin is {@code /dev/null},
 *       so a worker keeps running without a broken pipe if Bosun dies; keep the logs bounded with
 *       {@link BoundedLogs}.</li>
 *   <li>The worker leads its own session and process group (util-linux {@code setsid}), so
 *       {@link #stop} reaches everything it started, including double-forked grandchildren.</li>
 *   <li>Limits: {@code open_files}, {@code processes} and {@code file_size} are applied as rlimits
 *       with util-linux {@code prlimit}; a profile that sets one fails to start when prlimit is
 *       missing. {@code processes} (RLIMIT_NPROC) counts all processes of the user and does not bind
 *       root; {@code file_size} also caps how far the worker can grow its log files. Memory and CPU
 *       limits are <em>not</em> applied by this runtime.</li>
 *   <li>Workers are found again after a restart by pid plus start time ({@link #adopt}) or by the
 *       BOSUN_SESSION_ID and BOSUN_NODE_ID in their environment ({@link #list}), among session
 *       leaders in Bosun's own pid namespace (processes inside containers and bubblewrap sandboxes
 *       carry the same variables but belong to those runtimes).</li>
 *   <li>{@link #ProcessSandbox(Wrapper)} makes a runtime that runs each worker inside a wrapper
 *       (bubblewrap) and reuses all of the above for the wrapper's outermost process.</li>
 * </ul>
 *
 * <p>Linux only: it reads {@code /proc}. {@link #close} does not stop workers; they outlive Bosun by
 * design.
 */
public final class ProcessSandbox implements Sandbox {
    public static final String RUNTIME = ProcessIdentity.RUNTIME;
    /**
     * Set in the environment of a wrapped worker's outermost process, so that each runtime built on
     * process workers lists only its own after a restart. Wrappers unset it for the worker itself.
     */
    public static final String RUNTIME_MARK = "BOSUN_RUNTIME";

    /** The programs that exec the worker in place; the worker has launched once it runs none of them. */
    private static final java.util.Set<String> LAUNCHERS = java.util.Set.of("setsid", "prlimit");

    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(10);

    private final HostTools tools;
    private final ProcFs proc;
    private final String hostPath;
    private final ExitWatcher watcher;
    private final Wrapper wrapper;

    /**
     * How a runtime built on process workers (bubblewrap) puts its isolation around the worker's
     * command. The process runtime still starts, watches, adopts, lists and stops the outermost
     * process, which must exec in place (keep its pid) and take every descendant with it when killed.
     */
    public interface Wrapper {
        /** The runtime name, also the {@link WorkerRef#runtime()} of its workers. */
        String runtime();

        /** Whether the wrapper's own tools are usable here (the process runtime's are checked too). */
        Availability availability();

        /**
         * The wrapped command line and the environment of its outermost process, given the worker's
         * command with its rlimits already applied ({@code prlimit ... -- command}) and the environment
         * the process runtime would use. Throws BosunException (no host paths) to refuse the start.
         */
        Wrapped wrap(WorkerSpec spec, List<String> command, Map<String, String> env);

        /** What the runtime knows about an exit beyond the exit status (an OOM kill); called once per exit. */
        default WorkerExit exited(WorkerRef ref, WorkerExit exit) {
            return exit;
        }

        /**
         * Before {@link Sandbox#stop} signals the outermost process: give the worker inside its chance to
         * end gracefully within {@code grace} (a wrapper that does not forward SIGTERM must deliver it
         * itself). Called only while the outermost process is verified to be the worker's.
         */
        default void beforeStop(WorkerRef ref, Duration grace) {}

        /** After {@link Sandbox#stop}: remove whatever {@link #wrap} set up outside the process tree. */
        default void stopped(WorkerRef ref) {}

        /** Called by {@link ProcessSandbox#start} once the wrapped process runs: for bookkeeping by pid. */
        default WorkerRef started(WorkerSpec spec, WorkerRef ref) {
            return ref;
        }
    }

    /** A wrapped command line and its environment; {@code argv[0]} must be an absolute path. */
    public record Wrapped(List<String> argv, Map<String, String> env) {
        public Wrapped {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }
    }

    /** A runtime using this machine's tools and Bosun's own PATH for workers. */
    public ProcessSandbox() {
        this(HostTools.detect(), ProcFs.system(), System.getenv("PATH"), null);
    }

    /** A runtime that runs every worker inside {@code wrapper} (see {@link Wrapper}). */
    public ProcessSandbox(Wrapper wrapper) {
        this(HostTools.detect(), ProcFs.system(), System.getenv("PATH"), Objects.requireNonNull(wrapper));
    }

    ProcessSandbox(HostTools tools, ProcFs proc, String hostPath) {
        this(tools, proc, hostPath, null);
    }

    private ProcessSandbox(HostTools tools, ProcFs proc, String hostPath, Wrapper wrapper) {
        this.tools = Objects.requireNonNull(tools);
        this.proc = Objects.requireNonNull(proc);
        this.hostPath = hostPath;
        this.watcher = new ExitWatcher(proc);
        this.wrapper = wrapper;
    }

    @Override
    public String runtime() {
        return wrapper == null ? RUNTIME : wrapper.runtime();
    }

    @Override
    public Availability availability() {
        if (wrapper == null) return processAvailability();
        var own = processAvailability();
        if (!own.usable()) return own;
        if (tools.prlimit().isEmpty())
            return Availability.no("prlimit (util-linux) is missing; " + runtime() + " applies limits with it");
        return wrapper.availability();
    }

    private Availability processAvailability() {
        var missing = new ArrayList<String>();
        if (tools.sh().isEmpty()) missing.add("/bin/sh");
        if (tools.setsid().isEmpty()) missing.add("setsid (util-linux)");
        if (!missing.isEmpty()) return Availability.no("missing " + String.join(", ", missing));
        return Availability.ok(
                tools.prlimit().isPresent()
                        ? "setsid and prlimit found"
                        : "setsid found; prlimit (util-linux) missing, so profiles with limits cannot start");
    }

    @Override
    public Worker start(WorkerSpec spec) {
        var available = availability();
        if (!available.usable()) {
            throw BosunException.unavailable(
                    "the " + runtime() + " runtime is not usable here: " + available.detail(), null);
        }
        var workspace = spec.workspace();
        if (!Files.isDirectory(workspace.root())) {
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "workspace directory of session '" + spec.sessionId() + "' does not exist",
                    Map.of("session_id", spec.sessionId()));
        }
        var env = LaunchPlan.environment(spec, hostPath);
        var argv = LaunchPlan.commandLine(spec.profile(), tools);
        var command = spec.profile().command();
        if (wrapper == null) {
            LaunchPlan.checkProgram(command.isEmpty() ? null : command.get(0), env.get("PATH"), workspace.root());
        } else {
            // setsid stays outermost; the wrapper goes between it and the (rlimited) command.
            var wrapped = wrapper.wrap(spec, argv.subList(2, argv.size()), env);
            env = new java.util.LinkedHashMap<>(wrapped.env());
            env.put(RUNTIME_MARK, wrapper.runtime());
            argv = new ArrayList<>(argv.subList(0, 2));
            argv.addAll(wrapped.argv());
        }
        String program = LaunchPlan.displayName(command.get(0));

        Process process;
        try {
            Files.createDirectories(workspace.logs());
            var pb = new ProcessBuilder(argv)
                    .directory(workspace.root().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            workspace.stdoutLog().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(
                            workspace.stderrLog().toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException | IllegalArgumentException e) {
            // The JDK's message names host paths; keep it only as the cause, for Bosun's own log.
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "could not start worker command '" + program + "'",
                    Map.of("program", program),
                    e);
        }

        awaitLaunched(process);
        var identity = ProcessIdentity.current(process.pid(), proc).orElse(new ProcessIdentity(process.pid(), -1, -1));
        WorkerRef ref = identity.toRef(runtime());
        if (wrapper != null) ref = wrapper.started(spec, ref);
        WorkerRef started = ref;
        var exit = process.onExit().thenApply(p -> exited(started, ProcessExits.ofExitValue(p.exitValue())));
        return new ProcessWorker(ref, exit);
    }

    /**
     * Waits until the worker is what {@link #list} recognises. Java returns from {@code start()} once
     * setsid is exec'd: before setsid has made the process a session leader and exec'd onwards, and
     * while the kernel is between the two halves of an exec the process's environment reads empty. A
     * restart or a reconciliation pass in that window missed a live worker (D40). A worker that never
     * gets there within {@link #LAUNCH_TIMEOUT} is returned anyway: it runs, and the next pass finds it.
     */
    private void awaitLaunched(Process process) {
        long deadline = System.nanoTime() + LAUNCH_TIMEOUT.toNanos();
        long pauseNanos = 50_000;
        while (process.isAlive() && !launched(process.pid()) && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 10_000_000);
        }
    }

    /** Leads its session, runs past the launchers, and its environment is readable (not mid-exec). */
    private boolean launched(long pid) {
        if (proc.stat(pid).filter(s -> s.session() == pid).isEmpty()) return false;
        // Unreadable (another user's, or a set-uid program) counts as launched: nothing to wait for.
        if (proc.programName(pid).filter(LAUNCHERS::contains).isPresent()) return false;
        return proc.environ(pid).map(env -> !env.isEmpty()).orElse(true);
    }

    private WorkerExit exited(WorkerRef ref, WorkerExit exit) {
        return wrapper == null ? exit : wrapper.exited(ref, exit);
    }

    @Override
    public Optional<Worker> adopt(WorkerRef ref) {
        var identity = ProcessIdentity.fromRef(ref, runtime());
        if (!identity.isRunning(proc)) return Optional.empty();
        return Optional.of(new ProcessWorker(ref, watcher.watch(identity).thenApply(e -> exited(ref, e))));
    }

    @Override
    public List<LabelledWorker> list(String nodeId) {
        // Children inherit the labels, so only a session leader counts, and of several leaders with
        // the same session (a grandchild that called setsid itself) the earliest started is the worker.
        var bySession = new HashMap<String, ProcFs.Stat>();
        // Workers of this runtime run in Bosun's pid namespace; processes inside containers and
        // bubblewrap sandboxes carry the same variables but belong to those runtimes.
        Optional<String> ownNamespace = proc.pidNamespace("self");
        for (var stat : proc.all()) {
            if (!stat.running() || stat.session() != stat.pid()) continue;
            if (ownNamespace.isPresent() && !ownNamespace.equals(proc.pidNamespace(Long.toString(stat.pid()))))
                continue;
            var env = proc.environ(stat.pid()).orElse(Map.of());
            String session = env.get("BOSUN_SESSION_ID");
            if (session == null || session.isBlank() || !nodeId.equals(env.get("BOSUN_NODE_ID"))) continue;
            if (!runtime().equals(env.getOrDefault(RUNTIME_MARK, RUNTIME))) continue; // another runtime's worker
            bySession.merge(session, stat, (a, b) -> a.startTicks() <= b.startTicks() ? a : b);
        }
        var out = new ArrayList<LabelledWorker>();
        bySession.forEach((session, stat) -> out.add(new LabelledWorker(
                new ProcessIdentity(stat.pid(), stat.startTicks(), ProcessIdentity.startMillisOf(stat.pid()))
                        .toRef(runtime()),
                session)));
        return List.copyOf(out);
    }

    @Override
    public void stop(WorkerRef ref, Duration grace) {
        var identity = ProcessIdentity.fromRef(ref, runtime());
        if (wrapper != null && identity.isRunning(proc)) wrapper.beforeStop(ref, grace);
        new ProcessTree(
                        proc,
                        tools.sh()
                                .orElseThrow(() -> BosunException.unavailable(
                                        "the process runtime cannot stop workers without /bin/sh", null)))
                .stop(identity, grace);
        if (wrapper != null) wrapper.stopped(ref);
    }

    /** Stops watching adopted workers. Workers themselves keep running. */
    @Override
    public void close() {
        watcher.close();
    }

    private record ProcessWorker(WorkerRef ref, java.util.concurrent.CompletionStage<WorkerExit> exit)
            implements Worker {
        @Override
        public java.util.concurrent.CompletionStage<WorkerExit> onExit() {
            return exit.toCompletableFuture().minimalCompletionStage();
        }
    }
}
