package dev.bosun.sandbox.bwrap;

import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.mailbox.Workspace;
import dev.bosun.sandbox.Availability;
import dev.bosun.sandbox.MountPaths;
import dev.bosun.sandbox.ProcessSandbox;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.SandboxDefaults;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerExit;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code bwrap} runtime: each worker runs under Debian's bubblewrap, in new user, pid, ipc, uts
 * and (unless the session's policy grants a network) network namespaces.
 *
 * <ul>
 *   <li>The root is an empty tmpfs, remounted read-only once set up. The host's {@code /usr} (with the
 *       usual {@code /bin}, {@code /lib} links) and the profile's {@code read_only_paths} are bound
 *       read-only; the session's inbox and outbox read-write at {@code /workspace/inbox} and
 *       {@code /workspace/outbox}; {@code /tmp} is a private tmpfs of {@code tmp_size}; the model
 *       cache, when configured as a directory, read-only at {@code /models}.</li>
 *   <li>The worker runs as {@code user} (default uid 1000) inside its user namespace with every
 *       capability dropped, no new privileges, a seccomp filter ({@link SeccompFilter}) and, where
 *       bubblewrap supports it, no further user namespaces ({@code --disable-userns}).</li>
 *   <li>A launcher shell is bubblewrap's parent for the worker's life ({@link #LAUNCHER}): the worker
 *       outlives Bosun and is adopted after a restart, while {@code --die-with-parent} and the pid
 *       namespace take every descendant down when the launcher dies.</li>
 *   <li>Limits: open files and file size as rlimits ({@code prlimit}); processes and memory as a
 *       per-worker cgroup (pids.max, memory limit), whose OOM kill count becomes {@code oom_killed}.
 *       Unset limits take {@link SandboxDefaults}. CPU shares are not applied by this runtime.</li>
 * </ul>
 *
 * <p>Built on {@link ProcessSandbox}: the launcher is the worker process Bosun starts, watches, adopts
 * after a restart and stops. Stopping sends SIGTERM to everything inside
 * the sandbox first and waits up to the profile's {@code stop_grace}, since bubblewrap does not
 * forward signals. See docs/DECISIONS.md D20, D21, D41 and D42.
 */
public final class BwrapSandbox implements Sandbox {
    public static final String RUNTIME = "bwrap";
    static final String ATTR_CGROUP = "cgroup";

    private final Optional<Path> bwrap;
    private final Cgroups cgroups;
    private final ProcessSandbox delegate;

    /** A runtime using {@code /usr/bin/bwrap} and this process's cgroups. */
    public BwrapSandbox() {
        this(find(), Cgroups.detect());
    }

    BwrapSandbox(Optional<Path> bwrap, Cgroups cgroups) {
        this.bwrap = bwrap;
        this.cgroups = cgroups;
        this.delegate = new ProcessSandbox(new Wrapper());
    }

    private static Optional<Path> find() {
        return List.of("/usr/bin/bwrap", "/bin/bwrap").stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Override
    public String runtime() {
        return RUNTIME;
    }

    @Override
    public Availability availability() {
        return delegate.availability();
    }

    /** Whether worker namespaces can really be made here: runs {@code bwrap ... true} once. */
    private Availability probe() {
        if (bwrap.isEmpty()) return Availability.no("bubblewrap is not installed (apt-get install bubblewrap)");
        try {
            var p = new ProcessBuilder(
                            bwrap.get().toString(),
                            "--unshare-user",
                            "--unshare-pid",
                            "--unshare-ipc",
                            "--unshare-uts",
                            "--unshare-net",
                            "--die-with-parent",
                            "--cap-drop",
                            "ALL",
                            "--ro-bind",
                            "/usr",
                            "/usr",
                            "--symlink",
                            "usr/bin",
                            "/bin",
                            "--symlink",
                            "usr/lib",
                            "/lib",
                            "--symlink",
                            "usr/lib64",
                            "/lib64",
                            "--proc",
                            "/proc",
                            "--dev",
                            "/dev",
                            "--",
                            "/usr/bin/true")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                return Availability.no(
                        "bubblewrap cannot create namespaces here: " + (out.isEmpty() ? "exit " + p.exitValue() : out));
            }
        } catch (IOException e) {
            return Availability.no("bubblewrap cannot be run: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Availability.no("interrupted while probing bubblewrap");
        }
        return Availability.ok("bubblewrap namespaces work; " + cgroups.detail()
                + (cgroups.usable() ? "" : ", so profiles cannot start (processes and memory are always limited)"));
    }

    @Override
    public Worker start(WorkerSpec spec) {
        return delegate.start(SandboxDefaults.fill(spec));
    }

    @Override
    public Optional<Worker> adopt(WorkerRef ref) {
        return delegate.adopt(ref);
    }

    @Override
    public List<LabelledWorker> list(String nodeId) {
        var workers = delegate.list(nodeId);
        // Groups whose worker is gone (Bosun died between its exit and the clean-up) go now, if empty
        // and not just made: a worker being started has a group before it has a process to list.
        var live = new java.util.HashSet<String>();
        workers.forEach(w -> live.add(nodeId + "/" + w.sessionId()));
        if (cgroups.usable())
            cgroups.groups(nodeId).stream().filter(g -> !live.contains(g)).forEach(cgroups::removeStale);
        return workers;
    }

    @Override
    public void stop(WorkerRef ref, Duration grace) {
        delegate.stop(ref, grace);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private volatile Availability probed;
    private volatile Features features;

    /**
     * The launcher, bubblewrap's parent for the worker's whole life. It joins the worker's cgroups (so
     * nothing the worker starts escapes them), opens the seccomp filter on fd 3 for bubblewrap, and
     * waits, passing on the exit status. Because it stays, {@code --die-with-parent} ties bubblewrap to
     * this single-threaded shell instead of to Bosun: the worker survives Bosun's exit (and the exit of
     * the JVM thread that started it, which is what a parent-death signal really watches) and is
     * adopted after a restart; killing the launcher still takes the whole sandbox down. D41.
     */
    static final String LAUNCHER = "filter=$1; shift; for f do shift; [ \"$f\" = -- ] && break; "
            + "echo $$ > \"$f\" || exit 125; done; \"$@\" 3< \"$filter\"; exit $?";

    /** What the installed bubblewrap supports beyond 0.4, read from its {@code --help} once. */
    record Features(boolean disableUserns) {}

    private Features features() {
        Features f = features;
        if (f == null) features = f = new Features(help().contains("--disable-userns"));
        return f;
    }

    private String help() {
        try {
            var p = new ProcessBuilder(bwrap.orElseThrow().toString(), "--help")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The seccomp program, in Bosun's private part of the workspace (never mounted into the sandbox). */
    private static Path writeFilter(Workspace ws) throws IOException {
        Files.createDirectories(ws.internal());
        Path file = ws.internal().resolve("seccomp.bpf");
        Files.write(file, SeccompFilter.program());
        return file;
    }

    /** bubblewrap and its command line around the worker's command. */
    private final class Wrapper implements ProcessSandbox.Wrapper {
        @Override
        public String runtime() {
            return RUNTIME;
        }

        @Override
        public Availability availability() {
            Availability a = probed;
            if (a == null) probed = a = probe();
            if (a.usable() && !cgroups.usable()) return Availability.no(a.detail());
            return a;
        }

        @Override
        public ProcessSandbox.Wrapped wrap(WorkerSpec spec, List<String> command, Map<String, String> env) {
            Workspace ws = spec.workspace();
            Path workspaces = ws.root().getParent();
            Path inbox = MountPaths.checkedSource(ws.inbox(), workspaces, ws.relative() + "/inbox");
            Path outbox = MountPaths.checkedSource(ws.outbox(), workspaces, ws.relative() + "/outbox");
            Profile.Isolation iso = spec.profile().isolation();
            String[] ids = iso.user().split(":");

            var argv = new ArrayList<String>();
            String group = spec.nodeId() + "/" + spec.sessionId();
            Profile.Limits limits = spec.profile().limits();
            try {
                List<Path> procs = cgroups.create(group, opt(limits.processes()), opt(limits.memoryBytes()));
                Path filter = writeFilter(ws);
                argv.addAll(List.of("/bin/sh", "-c", LAUNCHER, "bosun-enter", filter.toString()));
                procs.forEach(p -> argv.add(p.toString()));
                argv.add("--");
            } catch (IOException e) {
                cgroups.remove(group);
                throw new BosunException(
                        ErrorCode.INTERNAL,
                        "could not set up the cgroup and seccomp filter of session '" + spec.sessionId() + "'",
                        Map.of("session_id", spec.sessionId()),
                        e);
            }
            argv.addAll(List.of(
                    bwrap.orElseThrow().toString(),
                    "--unshare-user",
                    "--uid",
                    ids[0],
                    "--gid",
                    ids[1],
                    "--unshare-pid",
                    "--unshare-ipc",
                    "--unshare-uts",
                    "--hostname",
                    "bosun-worker",
                    "--unshare-cgroup-try",
                    "--die-with-parent",
                    "--new-session",
                    "--cap-drop",
                    "ALL",
                    "--seccomp",
                    "3"));
            if (features().disableUserns()) argv.addAll(List.of("--disable-userns", "--assert-userns-disabled"));
            if (!iso.network()) argv.add("--unshare-net");
            argv.addAll(List.of("--ro-bind", "/usr", "/usr"));
            for (String link : List.of("bin", "lib", "lib64", "sbin")) {
                if (Files.isDirectory(Path.of("/usr", link)))
                    argv.addAll(List.of("--symlink", "usr/" + link, "/" + link));
            }
            for (Path ro : iso.readOnlyPaths()) {
                if (!Files.exists(ro)) {
                    cgroups.remove(group);
                    throw new BosunException(
                            ErrorCode.INTERNAL,
                            "profile '" + spec.profile().name() + "' binds a read-only path that does not exist",
                            Map.of("field", "read_only_paths"));
                }
                argv.addAll(List.of("--ro-bind", ro.toString(), ro.toString()));
            }
            argv.addAll(List.of(
                    "--proc",
                    "/proc",
                    "--dev",
                    "/dev",
                    "--size",
                    Long.toString(iso.tmpSizeBytes()),
                    "--perms",
                    "1777",
                    "--tmpfs",
                    "/tmp",
                    "--dir",
                    "/workspace",
                    "--bind",
                    inbox.toString(),
                    "/workspace/inbox",
                    "--bind",
                    outbox.toString(),
                    "/workspace/outbox"));
            var inner = new LinkedHashMap<String, String>(env);
            String models = env.get("BOSUN_MODEL_CACHE");
            if (models != null) {
                argv.addAll(List.of("--ro-bind", models, "/models"));
                inner.put("BOSUN_MODEL_CACHE", "/models");
            }
            argv.addAll(List.of(
                    "--remount-ro", "/", "--chdir", "/workspace", "--unsetenv", ProcessSandbox.RUNTIME_MARK, "--"));
            // Processes are limited by the cgroup: RLIMIT_NPROC would count every process of Bosun's
            // own user (and not bind at all when that user is root).
            boolean prlimit = !command.isEmpty() && command.get(0).endsWith("/prlimit");
            command.stream().filter(a -> !(prlimit && a.startsWith("--nproc="))).forEach(argv::add);

            inner.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            inner.put("HOME", "/workspace");
            inner.put("TMPDIR", "/tmp");
            inner.put("BOSUN_INBOX", "/workspace/inbox");
            inner.put("BOSUN_OUTBOX", "/workspace/outbox");
            inner.put("BOSUN_WORKSPACE", "/workspace");
            return new ProcessSandbox.Wrapped(argv, inner);
        }

        @Override
        public WorkerRef started(WorkerSpec spec, WorkerRef ref) {
            var attrs = new HashMap<>(ref.attributes());
            attrs.put(ATTR_CGROUP, spec.nodeId() + "/" + spec.sessionId());
            return new WorkerRef(ref.runtime(), ref.id(), attrs);
        }

        @Override
        public WorkerExit exited(WorkerRef ref, WorkerExit exit) {
            String group = ref.attributes().get(ATTR_CGROUP);
            if (group == null || !cgroups.usable()) return exit;
            boolean oom = cgroups.oomKilled(group);
            cgroups.remove(group);
            return oom
                    ? new WorkerExit(
                            exit.exitCode(),
                            true,
                            exit.detail() + ", killed by the kernel for exceeding its memory limit")
                    : exit;
        }

        /**
         * bubblewrap does not forward SIGTERM: killing it takes the namespace down with SIGKILL. So the
         * worker (and everything under bubblewrap's init in the pid namespace) gets SIGTERM first and
         * {@code grace} to finish, as a process worker would.
         */
        @Override
        public void beforeStop(WorkerRef ref, Duration grace) {
            var outer = ProcessHandle.of(Long.parseLong(ref.id()));
            if (outer.isEmpty()) return;
            // The launcher's child is bubblewrap, whose child is the namespace's init (which ignores
            // TERM); what runs under that init is the worker.
            var inside = outer.get()
                    .children()
                    .flatMap(ProcessHandle::children)
                    .flatMap(ProcessHandle::descendants)
                    .toList();
            if (inside.isEmpty()) return;
            inside.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline && inside.stream().anyMatch(ProcessHandle::isAlive)) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public void stopped(WorkerRef ref) {
            String group = ref.attributes().get(ATTR_CGROUP);
            if (group != null && cgroups.usable()) cgroups.remove(group);
        }
    }

    private static OptionalLong opt(Optional<Long> v) {
        return v.map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
