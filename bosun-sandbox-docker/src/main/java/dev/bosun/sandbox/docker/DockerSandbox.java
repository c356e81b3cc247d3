package dev.bosun.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.mailbox.Workspace;
import dev.bosun.sandbox.Availability;
import dev.bosun.sandbox.MountPaths;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.SandboxDefaults;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerExit;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} runtime: one container per session through the Docker Engine API (docker-java
 * over the unix socket), locked down whatever the image or request says:
 *
 * <ul>
 *   <li>labels {@code bosun.session}, {@code bosun.node} (and {@code bosun.runtime=docker}) tie it to
 *       its session for reconciliation;</li>
 *   <li>{@code --init}; read-only root file system; every capability dropped; no-new-privileges;
 *       the profile's seccomp profile when set (Docker's default otherwise); the profile's OCI
 *       runtime (e.g. {@code runsc}) when set, refusing to fall back in strict mode;</li>
 *   <li>network {@code none} unless the session's policy grants one (profile and operator);</li>
 *   <li>memory with memory-swap equal to it (no swap), CPUs, a pids limit and ulimits nofile, nproc
 *       and fsize, from the session's limits or {@link SandboxDefaults};</li>
 *   <li>a private {@code /tmp} tmpfs (noexec, nosuid, nodev, sized); user {@code 1000:1000} unless the
 *       profile says otherwise;</li>
 *   <li>only the session's inbox and outbox are mounted (at {@code /workspace/inbox} and
 *       {@code /workspace/outbox}), plus the model cache read-only at {@code /models}.</li>
 * </ul>
 *
 * <p>Bosun never pulls images: an image must be on the Docker host already, or the session fails
 * {@code startup_failed} saying so. The worker's output is streamed into the workspace logs while it
 * runs. Profiles with {@code warm_pool > 0} keep that many containers started and waiting (see
 * {@link WarmPool}), so creating a session is a claim instead of a container start.
 */
public final class DockerSandbox implements Sandbox {
    public static final String RUNTIME = "docker";
    static final String LABEL_RUNTIME = "bosun.runtime";
    static final String LABEL_WARM = "bosun.warm";
    static final String ATTR_SESSION = "session";
    static final String ATTR_WARM = "warm";
    /** Least RLIMIT_NPROC given to a container (see {@link #create}). */
    static final long NPROC_FLOOR = 4096;

    private static final Logger log = LoggerFactory.getLogger(DockerSandbox.class);

    private final Path socket;
    private final DockerClient docker;
    /** For waits, which hold their connection for the life of a container: no response timeout. */
    private final DockerClient waiter;

    private final Map<String, CompletableFuture<WorkerExit>> exits = new ConcurrentHashMap<>();
    private final WarmPool pool;
    private volatile Optional<Map<String, ?>> runtimes = Optional.empty();

    /** A runtime talking to the Docker Engine at {@code socket} (e.g. {@code /var/run/docker.sock}). */
    public DockerSandbox(Path socket) {
        this.socket = socket;
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix://" + socket)
                .build();
        URI host = cfg.getDockerHost();
        this.docker = DockerClientImpl.getInstance(
                cfg,
                new ZerodepDockerHttpClient.Builder()
                        .dockerHost(host)
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .responseTimeout(Duration.ofSeconds(60))
                        .build());
        this.waiter = DockerClientImpl.getInstance(
                cfg,
                new ZerodepDockerHttpClient.Builder()
                        .dockerHost(host)
                        .maxConnections(4096)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .build());
        this.pool = new WarmPool(this);
    }

    /** Warm containers ready to be claimed now; for tests that must not race the pool's filling. */
    int warmReady() {
        return pool.readyCount();
    }

    @Override
    public String runtime() {
        return RUNTIME;
    }

    @Override
    public Availability availability() {
        if (!Files.exists(socket)) return Availability.no("no Docker socket at " + socket + " (is dockerd running?)");
        try {
            var v = docker.versionCmd().exec();
            return Availability.ok("Docker Engine " + v.getVersion() + " (API " + v.getApiVersion() + ") at " + socket);
        } catch (RuntimeException e) {
            return Availability.no("Docker Engine at " + socket + " does not answer: " + DockerErrors.sanitize(e));
        }
    }

    DockerClient client() {
        return docker;
    }

    /** Whether {@code image} is on this Docker host (Bosun never pulls); for {@code bosun doctor}. */
    public Availability image(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return Availability.ok("image " + image + " is present");
        } catch (NotFoundException e) {
            return Availability.no(
                    "image " + image + " is not on this Docker host; load or pull it (Bosun never pulls)");
        } catch (RuntimeException e) {
            return Availability.no("image " + image + " cannot be checked: " + DockerErrors.sanitize(e));
        }
    }

    // =====================================================================================
    // start
    // =====================================================================================

    @Override
    public Worker start(WorkerSpec spec) {
        WorkerSpec filled = SandboxDefaults.fill(spec);
        Optional<Worker> claimed = pool.claim(filled);
        if (claimed.isPresent()) return claimed.get();
        Workspace ws = filled.workspace();
        Path workspaces = ws.root().getParent();
        Path inbox = MountPaths.checkedSource(ws.inbox(), workspaces, ws.relative() + "/inbox");
        Path outbox = MountPaths.checkedSource(ws.outbox(), workspaces, ws.relative() + "/outbox");
        var labels = new HashMap<>(filled.labels());
        labels.put(LABEL_RUNTIME, RUNTIME);
        var env = containerEnv(filled.env());
        String id = create(
                filled.profile(),
                inbox,
                outbox,
                labels,
                env,
                filled.profile().command(),
                List.of(),
                filled.sessionId());
        return run(id, Map.of(ATTR_SESSION, filled.sessionId()), ws);
    }

    /** Starts a created container and watches it; removes it if it will not start. */
    Worker run(String id, Map<String, String> attrs, Workspace ws) {
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            log.warn("container {} did not start", id, e);
            removeQuietly(id);
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "the container did not start: " + DockerErrors.sanitize(e),
                    Map.of("runtime", RUNTIME),
                    e);
        }
        var ref = new WorkerRef(RUNTIME, id, attrs);
        return new DockerWorker(ref, watch(id, ws));
    }

    /** The environment as the container sees it: mailbox paths inside, not the host's. */
    static Map<String, String> containerEnv(Map<String, String> hostEnv) {
        var env = new LinkedHashMap<>(hostEnv);
        env.put("BOSUN_INBOX", "/workspace/inbox");
        env.put("BOSUN_OUTBOX", "/workspace/outbox");
        env.put("BOSUN_WORKSPACE", "/workspace");
        env.put("HOME", "/workspace");
        env.put("TMPDIR", "/tmp");
        if (env.containsKey("BOSUN_MODEL_CACHE")) env.put("BOSUN_MODEL_CACHE", "/models");
        return env;
    }

    /**
     * Creates (does not start) a locked-down container. The mailbox directories are handed to the
     * container's user first: they sit inside the owner-only workspace directory, which stays closed
     * to every other host user.
     */
    String create(
            Profile profile,
            Path inbox,
            Path outbox,
            Map<String, String> labels,
            Map<String, String> env,
            List<String> cmd,
            List<String> entrypoint,
            String who) {
        Profile.Isolation iso = profile.isolation();
        Profile.Limits lim = profile.limits();
        handOver(inbox, iso.user());
        handOver(outbox, iso.user());
        var mounts = new ArrayList<Mount>();
        mounts.add(new Mount()
                .withType(MountType.BIND)
                .withSource(inbox.toString())
                .withTarget("/workspace/inbox"));
        mounts.add(new Mount()
                .withType(MountType.BIND)
                .withSource(outbox.toString())
                .withTarget("/workspace/outbox"));
        String models = profileModelCache;
        if (models != null) {
            env = new LinkedHashMap<>(env);
            env.put("BOSUN_MODEL_CACHE", "/models");
            mounts.add(new Mount()
                    .withType(models.startsWith("/") ? MountType.BIND : MountType.VOLUME)
                    .withSource(models)
                    .withTarget("/models")
                    .withReadOnly(true));
        }
        var security = new ArrayList<String>();
        security.add("no-new-privileges:true");
        iso.seccompProfile().ifPresent(file -> security.add("seccomp=" + readSeccomp(file)));
        long memory = lim.memoryBytes().orElseThrow();
        long pids = lim.processes().orElseThrow();
        var host = HostConfig.newHostConfig()
                .withInit(true)
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(security)
                .withNetworkMode(iso.network() ? "bridge" : "none")
                .withMemory(memory)
                .withMemorySwap(memory)
                .withPidsLimit(pids)
                .withUlimits(List.of(
                        new Ulimit(
                                "nofile",
                                lim.openFiles().orElseThrow(),
                                lim.openFiles().orElseThrow()),
                        // RLIMIT_NPROC counts every process of the uid on the host, across containers:
                        // the per-container cap is the pids limit; this is only a backstop.
                        new Ulimit("nproc", Math.max(NPROC_FLOOR, pids), Math.max(NPROC_FLOOR, pids)),
                        new Ulimit(
                                "fsize",
                                lim.fileSizeBytes().orElseThrow(),
                                lim.fileSizeBytes().orElseThrow())))
                .withTmpFs(Map.of("/tmp", "rw,noexec,nosuid,nodev,size=" + iso.tmpSizeBytes() + ",mode=1777"))
                .withMounts(mounts);
        lim.cpus().ifPresent(c -> host.withNanoCPUs(Math.round(c * 1e9)));
        ociRuntime(profile).ifPresent(host::withRuntime);
        String image = iso.image()
                .orElseThrow(() -> BosunException.invalid("image", "profile '" + profile.name() + "' names no image"));
        var envList = new ArrayList<String>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        CreateContainerCmd cmdSpec = docker.createContainerCmd(image)
                .withLabels(labels)
                .withEnv(envList)
                .withUser(iso.user())
                .withWorkingDir("/workspace")
                .withStopSignal("SIGTERM")
                .withHostConfig(host);
        if (!entrypoint.isEmpty()) cmdSpec.withEntrypoint(entrypoint);
        if (!cmd.isEmpty()) cmdSpec.withCmd(cmd);
        try {
            return cmdSpec.exec().getId();
        } catch (NotFoundException e) {
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "image '" + image + "' is not on this Docker host; Bosun does not"
                            + " pull images, so load or pull it first",
                    Map.of("runtime", RUNTIME, "image", image),
                    e);
        } catch (RuntimeException e) {
            log.warn("creating the container of {} failed", who, e);
            if (unreachable(e)) {
                throw new BosunException(
                        ErrorCode.UNAVAILABLE,
                        "the Docker Engine does not answer; is dockerd running?",
                        Map.of("runtime", RUNTIME),
                        e);
            }
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "Docker refused the container: " + DockerErrors.sanitize(e),
                    Map.of("runtime", RUNTIME),
                    e);
        }
    }

    private volatile String profileModelCache;

    /** A connection problem (no daemon, socket gone) rather than Docker refusing the request. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) return true;
        }
        return false;
    }

    /**
     * The model cache to mount at {@code /models}: a directory (absolute path) or a volume name. The
     * supervisor only passes directories through the environment, so the operator's setting is given
     * here as well.
     */
    public DockerSandbox modelCache(Optional<String> modelCache) {
        this.profileModelCache = modelCache.orElse(null);
        return this;
    }

    private static void handOver(Path dir, String user) {
        String[] ids = user.split(":");
        try {
            if ("root".equals(System.getProperty("user.name"))) {
                Files.setAttribute(dir, "unix:uid", Integer.parseInt(ids[0]), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:gid", Integer.parseInt(ids[1]), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } else {
                // Without root, Bosun cannot give the directory away; its owner-only parent keeps it private.
                Files.setPosixFilePermissions(
                        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new BosunException(
                    ErrorCode.INTERNAL, "could not give the mailbox to the container's user", Map.of(), e);
        }
    }

    private static String readSeccomp(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "the profile's seccomp profile cannot be read",
                    Map.of("field", "seccomp_profile"),
                    e);
        }
    }

    private Optional<String> ociRuntime(Profile profile) {
        Optional<String> wanted = profile.isolation().ociRuntime();
        if (wanted.isEmpty()) return wanted;
        Map<String, ?> known = runtimes.orElseGet(() -> {
            Map<String, ?> r;
            try {
                r = docker.infoCmd().exec().getRuntimes();
            } catch (RuntimeException e) {
                r = null;
            }
            Map<String, ?> m = r == null ? Map.of() : Map.copyOf(r);
            runtimes = Optional.of(m);
            return m;
        });
        if (known.containsKey(wanted.get())) return wanted;
        if (profile.isolation().ociRuntimeStrict()) {
            throw new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "OCI runtime '" + wanted.get() + "' is not registered with " + "Docker and profile '"
                            + profile.name() + "' is strict (oci_runtime_strict), so it does not fall back",
                    Map.of("runtime", RUNTIME, "field", "oci_runtime"));
        }
        log.warn(
                "OCI runtime {} is not registered with Docker; profile {} runs with Docker's default runtime",
                wanted.get(),
                profile.name());
        return Optional.empty();
    }

    // =====================================================================================
    // exits
    // =====================================================================================

    private final Map<String, Workspace> logsTo = new ConcurrentHashMap<>();

    /** Where a container's output goes when it ends (set when a warm container is claimed). */
    void logsTo(String id, Workspace ws) {
        logsTo.put(id, ws);
        followLogs(id, ws);
    }

    /** One waiter per container: completes with its exit code and whether the kernel OOM-killed it. */
    CompletableFuture<WorkerExit> watch(String id, Workspace ws) {
        if (ws != null) logsTo(id, ws);
        return exits.computeIfAbsent(id, k -> {
            var f = new CompletableFuture<WorkerExit>();
            Thread.ofVirtual()
                    .name("bosun-docker-wait-" + id.substring(0, Math.min(12, id.length())))
                    .start(() -> {
                        try {
                            waiter.waitContainerCmd(id).start().awaitStatusCode();
                        } catch (RuntimeException e) {
                            // gone already, or the daemon went away: inspect says which
                        }
                        logsTo.remove(id);
                        f.complete(exitOf(id));
                        exits.remove(id);
                    });
            return f;
        });
    }

    private WorkerExit exitOf(String id) {
        try {
            endLogs(id);
            InspectContainerResponse.ContainerState st =
                    docker.inspectContainerCmd(id).exec().getState();
            Long code = st.getExitCodeLong();
            boolean oom = Boolean.TRUE.equals(st.getOOMKilled());
            String detail = code == null
                    ? "container exited"
                    : code >= 128 && code < 192
                            ? "killed by signal " + (code - 128) + (oom ? ", for exceeding its memory limit" : "")
                            : "exited with code " + code;
            return new WorkerExit(Optional.ofNullable(code).map(Long::intValue), oom, detail);
        } catch (NotFoundException e) {
            return new WorkerExit(Optional.empty(), false, "the container was removed");
        } catch (RuntimeException e) {
            return new WorkerExit(
                    Optional.empty(), false, "the container's exit status is unknown: " + DockerErrors.sanitize(e));
        }
    }

    private final Map<String, ResultCallback.Adapter<Frame>> followers = new ConcurrentHashMap<>();

    /**
     * Streams the container's stdout and stderr into the workspace log files while it runs, as the
     * process runtime's redirection does, so the logs API works the same. The files are opened for
     * appending: {@code BoundedLogs} truncates them in place and the next write lands at the new end.
     * An adopted container is followed from the moment it is adopted.
     */
    private void followLogs(String id, Workspace ws) {
        followLogs(id, ws, false);
    }

    private void followLogs(String id, Workspace ws, boolean onlyNew) {
        if (followers.containsKey(id)) return;
        try {
            Files.createDirectories(ws.logs());
            OutputStream out =
                    Files.newOutputStream(ws.stdoutLog(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            OutputStream err =
                    Files.newOutputStream(ws.stderrLog(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            var callback = new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    try {
                        OutputStream to =
                                frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? err : out;
                        to.write(frame.getPayload());
                        to.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        out.close();
                        err.close();
                    }
                }
            };
            followers.put(id, callback);
            var cmd =
                    waiter.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true);
            if (onlyNew) cmd.withTail(0);
            cmd.exec(callback);
        } catch (IOException | RuntimeException e) {
            followers.remove(id);
            log.debug("cannot follow the logs of container {}", id, e);
        }
    }

    /** Lets the log stream deliver what the container wrote last, then closes the files. */
    private void endLogs(String id) {
        var callback = followers.remove(id);
        if (callback == null) return;
        try {
            callback.awaitCompletion(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            callback.close();
        } catch (IOException e) {
            log.debug("closing the log stream of {}", id, e);
        }
    }

    // =====================================================================================
    // adopt, list, stop
    // =====================================================================================

    @Override
    public Optional<Worker> adopt(WorkerRef ref) {
        if (!RUNTIME.equals(ref.runtime())) return Optional.empty();
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(ref.id()).exec();
            if (!Boolean.TRUE.equals(c.getState().getRunning())) return Optional.empty();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        // Only output from now on reaches the logs: what it wrote while Bosun was down is in `docker logs`.
        workspaceOf(c, ref).ifPresent(ws -> {
            logsTo.put(ref.id(), ws);
            followLogs(ref.id(), ws, true);
        });
        return Optional.of(new DockerWorker(ref, watch(ref.id(), null)));
    }

    /**
     * The workspace of an adopted container, from the inbox Docker mounted for it: a session's own
     * ({@code <data>/workspaces/<session>/inbox}) or, for a claimed warm container, the warm one
     * ({@code <data>/warm/<id>/inbox}) whose session is in the reference.
     */
    private static Optional<Workspace> workspaceOf(InspectContainerResponse c, WorkerRef ref) {
        String session = ref.attributes().get(ATTR_SESSION);
        if (c.getMounts() == null || session == null || !dev.bosun.id.Ids.isSafe(session)) return Optional.empty();
        return c.getMounts().stream()
                .filter(m -> m.getDestination() != null
                        && "/workspace/inbox".equals(m.getDestination().getPath())
                        && m.getSource() != null)
                .map(m -> Path.of(m.getSource()).getParent())
                .filter(p -> p != null && p.getParent() != null && p.getParent().getParent() != null)
                .map(p -> Workspace.at(p.getParent().getParent(), session))
                .filter(ws -> Files.isDirectory(ws.root(), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .findFirst();
    }

    @Override
    public List<LabelledWorker> list(String nodeId) {
        List<Container> found = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(WorkerSpec.LABEL_NODE, nodeId, LABEL_RUNTIME, RUNTIME))
                .exec();
        var out = new ArrayList<LabelledWorker>();
        for (Container c : found) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            String warm = labels.get(LABEL_WARM);
            String session = labels.getOrDefault(WorkerSpec.LABEL_SESSION, "");
            if (warm != null) {
                if (pool.holds(warm)) continue; // ready in this instance's pool: not an orphan
                session = claimRecord(c).flatMap(WarmPool::readClaim).orElse(session);
            }
            var attrs = new HashMap<String, String>();
            attrs.put(ATTR_SESSION, session);
            if (warm != null) attrs.put(ATTR_WARM, warm);
            out.add(new LabelledWorker(new WorkerRef(RUNTIME, c.getId(), attrs), session));
        }
        return List.copyOf(out);
    }

    /**
     * Where a warm container's claim record is: next to the inbox Docker mounted for it, which is known
     * from the container even when this instance has not configured a pool (right after a restart).
     */
    private static Optional<Path> claimRecord(Container c) {
        if (c.getMounts() == null) return Optional.empty();
        return c.getMounts().stream()
                .filter(m -> "/workspace/inbox".equals(m.getDestination()) && m.getSource() != null)
                .map(m -> Path.of(m.getSource()).getParent().resolve("session"))
                .findFirst();
    }

    @Override
    public void stop(WorkerRef ref, Duration grace) {
        String id = ref.id();
        try {
            docker.stopContainerCmd(id)
                    .withTimeout((int) Math.max(0, Math.min(600, grace.toSeconds())))
                    .exec();
        } catch (NotFoundException e) {
            pool.forget(ref);
            return;
        } catch (RuntimeException e) {
            log.debug("stopping container {} failed; removing it by force", id, e);
        }
        CompletableFuture<WorkerExit> pending = exits.get(id);
        if (pending != null) {
            try {
                pending.get(10, TimeUnit.SECONDS); // its logs are copied before the container goes
            } catch (Exception e) {
                log.debug("container {} exit not observed before removal", id, e);
            }
        }
        removeQuietly(id);
        pool.forget(ref);
    }

    void removeQuietly(String id) {
        try {
            docker.removeContainerCmd(id)
                    .withForce(true)
                    .withRemoveVolumes(true)
                    .exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            log.debug("container {} is already being removed", id);
        } catch (RuntimeException e) {
            log.warn("could not remove container {}", id, e);
        }
    }

    @Override
    public void prewarm(List<Profile> profiles, Path dataDir, String nodeId) {
        pool.configure(profiles, dataDir, nodeId);
    }

    /** Removes this instance's ready pool containers (claimed ones keep running with their sessions). */
    @Override
    public void close() {
        pool.close();
        try {
            docker.close();
            waiter.close();
        } catch (IOException e) {
            log.debug("closing the Docker client", e);
        }
    }

    record DockerWorker(WorkerRef ref, CompletableFuture<WorkerExit> exit) implements Worker {
        @Override
        public CompletionStage<WorkerExit> onExit() {
            return exit.minimalCompletionStage();
        }
    }

    static void moveDir(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
