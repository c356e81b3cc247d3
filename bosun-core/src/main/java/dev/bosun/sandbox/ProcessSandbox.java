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
import java.util.concurrent.CompletableFuture;

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
 *       BOSUN_SESSION_ID and BOSUN_NODE_ID in their environment ({@link #list}).</li>
 * </ul>
 *
 * <p>Linux only: it reads {@code /proc}. {@link #close} does not stop workers; they outlive Bosun by
 * design.
 */
public final class ProcessSandbox implements Sandbox {
    public static final String RUNTIME = ProcessIdentity.RUNTIME;

    private final HostTools tools;
    private final ProcFs proc;
    private final String hostPath;
    private final ExitWatcher watcher;

    /** A runtime using this machine's tools and Bosun's own PATH for workers. */
    public ProcessSandbox() {
        this(HostTools.detect(), ProcFs.system(), System.getenv("PATH"));
    }

    ProcessSandbox(HostTools tools, ProcFs proc, String hostPath) {
        this.tools = Objects.requireNonNull(tools);
        this.proc = Objects.requireNonNull(proc);
        this.hostPath = hostPath;
        this.watcher = new ExitWatcher(proc);
    }

    @Override
    public String runtime() { return RUNTIME; }

    @Override
    public Availability availability() {
        var missing = new ArrayList<String>();
        if (tools.sh().isEmpty()) missing.add("/bin/sh");
        if (tools.setsid().isEmpty()) missing.add("setsid (util-linux)");
        if (!missing.isEmpty()) return Availability.no("missing " + String.join(", ", missing));
        return Availability.ok(tools.prlimit().isPresent()
                ? "setsid and prlimit found"
                : "setsid found; prlimit (util-linux) missing, so profiles with limits cannot start");
    }

    @Override
    public Worker start(WorkerSpec spec) {
        var available = availability();
        if (!available.usable()) {
            throw BosunException.unavailable("the process runtime is not usable here: " + available.detail(), null);
        }
        var workspace = spec.workspace();
        if (!Files.isDirectory(workspace.root())) {
            throw new BosunException(ErrorCode.INTERNAL, "workspace directory of session '" + spec.sessionId()
                    + "' does not exist", Map.of("session_id", spec.sessionId()));
        }
        var env = LaunchPlan.environment(spec, hostPath);
        var argv = LaunchPlan.commandLine(spec.profile(), tools);
        var command = spec.profile().command();
        LaunchPlan.checkProgram(command.isEmpty() ? null : command.get(0), env.get("PATH"), workspace.root());
        String program = LaunchPlan.displayName(command.get(0));

        Process process;
        try {
            Files.createDirectories(workspace.logs());
            var pb = new ProcessBuilder(argv)
                    .directory(workspace.root().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workspace.stdoutLog().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(workspace.stderrLog().toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException | IllegalArgumentException e) {
            // The JDK's message names host paths; keep it only as the cause, for Bosun's own log.
            throw new BosunException(ErrorCode.INTERNAL, "could not start worker command '" + program + "'",
                    Map.of("program", program), e);
        }

        var identity = ProcessIdentity.current(process.pid(), proc)
                .orElse(new ProcessIdentity(process.pid(), -1, -1));
        var exit = process.onExit().thenApply(p -> ProcessExits.ofExitValue(p.exitValue()));
        return new ProcessWorker(identity.toRef(), exit);
    }

    @Override
    public Optional<Worker> adopt(WorkerRef ref) {
        var identity = ProcessIdentity.fromRef(ref);
        if (!identity.isRunning(proc)) return Optional.empty();
        return Optional.of(new ProcessWorker(ref, watcher.watch(identity)));
    }

    @Override
    public List<LabelledWorker> list(String nodeId) {
        // Children inherit the labels, so only a session leader counts, and of several leaders with
        // the same session (a grandchild that called setsid itself) the earliest started is the worker.
        var bySession = new HashMap<String, ProcFs.Stat>();
        for (var stat : proc.all()) {
            if (!stat.running() || stat.session() != stat.pid()) continue;
            var env = proc.environ(stat.pid()).orElse(Map.of());
            String session = env.get("BOSUN_SESSION_ID");
            if (session == null || session.isBlank() || !nodeId.equals(env.get("BOSUN_NODE_ID"))) continue;
            bySession.merge(session, stat, (a, b) -> a.startTicks() <= b.startTicks() ? a : b);
        }
        var out = new ArrayList<LabelledWorker>();
        bySession.forEach((session, stat) -> out.add(new LabelledWorker(
                new ProcessIdentity(stat.pid(), stat.startTicks(), ProcessIdentity.startMillisOf(stat.pid())).toRef(),
                session)));
        return List.copyOf(out);
    }

    @Override
    public void stop(WorkerRef ref, Duration grace) {
        new ProcessTree(proc, tools.sh().orElseThrow(() -> BosunException.unavailable(
                "the process runtime cannot stop workers without /bin/sh", null)))
                .stop(ProcessIdentity.fromRef(ref), grace);
    }

    /** Stops watching adopted workers. Workers themselves keep running. */
    @Override
    public void close() { watcher.close(); }

    private record ProcessWorker(WorkerRef ref, CompletableFuture<WorkerExit> exit) implements Worker {
        @Override
        public java.util.concurrent.CompletionStage<WorkerExit> onExit() { return exit.minimalCompletionStage(); }
    }
}
