package dev.bosun.internal.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.log.LogContext;
import dev.bosun.mailbox.OutboxWatcher;
import dev.bosun.mailbox.Workspace;
import dev.bosun.mailbox.WorkspaceUsage;
import dev.bosun.mailbox.Workspaces;
import dev.bosun.sandbox.BoundedLogs;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.SandboxPolicy;
import dev.bosun.sandbox.SandboxRequest;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerExit;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.EndCause;
import dev.bosun.store.SessionStore;
import dev.bosun.store.WorkerStore;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor of this node's workers: it starts them, notices their exits, stops them and cleans
 * up after their sessions end. Each supervised session is one {@link SupervisedSession} whose state
 * (STARTING → LIVE → STOPPING → CLEANED) moves by compare-and-set, so a late exit notice, a drain
 * after clean-up or a second stop is a refused transition. The rest is delegated along its seams:
 * {@link OutboxIngestion} takes outboxes into the log, {@link InboxDelivery} writes inboxes,
 * {@link Recovery} adopts and reconciles workers after a restart, and every end goes through
 * {@link SessionEnds}.
 */
public final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** Workspace quotas are measured on every this many outbox rescans: a walk costs more than a rescan. */
    static final int QUOTA_EVERY_RESCANS = 5;

    private static final AttributeKey<String> RUNTIME = AttributeKey.stringKey("bosun.runtime");
    private static final AttributeKey<String> PROFILE = AttributeKey.stringKey("bosun.profile");
    private static final AttributeKey<Long> SEQ = AttributeKey.longKey("bosun.event.seq");
    private static final AttributeKey<Long> WRITTEN = AttributeKey.longKey("bosun.inbox.written");

    private final BosunConfig config;
    private final WorkerStore store;
    private final SessionStore sessions;
    private final Clock clock;
    private final Map<String, Sandbox> sandboxes;
    private final SessionEnds ends;
    /** The node label on workers: node id plus a digest of the data dir, so two installs on one host never touch each other's workers. */
    private final String workerNode;

    /** The sessions supervised here, from the start of their worker until their clean-up: the only per-session map. */
    private final Map<String, SupervisedSession> supervised = new ConcurrentHashMap<>();

    private final ExecutorService ingestors = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bosun-outbox-rescan").daemon(true).factory());
    private final OutboxIngestion outbox;
    private final InboxDelivery inbox;
    private final Recovery recovery;
    private OutboxWatcher watcher;
    private long rescans;
    /** Set by {@link #close}: exit notices that arrive while Bosun stops are left to the next start's recovery. */
    private volatile boolean closed;

    public <S extends SessionStore & WorkerStore> Workers(
            BosunConfig config, S store, Clock clock, Map<String, Sandbox> sandboxes, SessionEnds ends) {
        this.config = config;
        this.store = store;
        this.sessions = store;
        this.clock = clock;
        this.sandboxes = Map.copyOf(sandboxes);
        this.ends = ends;
        this.workerNode = config.nodeId() + "." + digest(config.dataDir());
        this.outbox = new OutboxIngestion(config, store, clock, ingestors);
        this.inbox = new InboxDelivery(config, store);
        this.recovery = new Recovery(config, store, this.sandboxes, workerNode, this);
        try {
            this.watcher = new OutboxWatcher(this::trigger);
        } catch (IOException e) {
            log.warn("file-system watch unavailable; outboxes are rescanned every {}", config.outboxRescan(), e);
            this.watcher = null;
        }
    }

    private static String digest(Path dataDir) {
        try {
            Path real = Files.exists(dataDir)
                    ? dataDir.toRealPath()
                    : dataDir.toAbsolutePath().normalize();
            byte[] h =
                    MessageDigest.getInstance("SHA-256").digest(real.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot identify the data dir", e);
        }
    }

    /** The node label this supervisor puts on its workers. */
    public String workerNode() {
        return workerNode;
    }

    public Map<String, Sandbox> sandboxes() {
        return sandboxes;
    }

    public Workspace workspaceOf(String sessionId) {
        return Workspace.at(config.dataDir(), sessionId);
    }

    /** Starts the watcher and the periodic rescan (backstop for lost watch events, and log bounding). */
    public void startBackground() {
        if (watcher != null) watcher.start();
        long every = Math.max(50, config.outboxRescan().toMillis());
        ticker.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.MILLISECONDS);
        long reconcile = config.sandbox().reconcileInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::reconcile, reconcile, reconcile, TimeUnit.MILLISECONDS);
        var warm = config.profiles().values().stream()
                .filter(p -> p.isolation().warmPool() > 0)
                .map(p -> SandboxPolicy.apply(p, SandboxRequest.NONE, config.sandbox()))
                .toList();
        if (!warm.isEmpty()) {
            for (Sandbox sb : sandboxes.values()) {
                if (sb.availability().usable()) sb.prewarm(warm, config.dataDir(), workerNode);
            }
        }
    }

    /** The periodic half of reconciliation (the other half is {@link #recover} at start-up); see {@link Recovery#reconcile}. */
    public void reconcile() {
        recovery.reconcile();
    }

    /**
     * Brings this node's sessions back in line with reality after a restart: adopts live workers,
     * ends sessions whose worker is gone, finishes interrupted cleanups, stops orphans.
     */
    public void recover() {
        recovery.recover();
    }

    /** Whether this node supervises the session right now (starting, live or stopping). */
    boolean supervises(String sessionId) {
        return supervised.containsKey(sessionId);
    }

    private void rescan() {
        boolean quotas = rescans++ % QUOTA_EVERY_RESCANS == 0;
        try {
            for (SupervisedSession s : supervised.values()) {
                if (!s.isLive()) continue;
                outbox.trigger(s);
                Workspace ws = workspaceOf(s.id());
                BoundedLogs.enforce(ws.stdoutLog(), config.workerLogMaxBytes());
                BoundedLogs.enforce(ws.stderrLog(), config.workerLogMaxBytes());
                if (quotas) enforceQuota(s);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("outbox rescan failed", e);
        }
    }

    /**
     * Stops the worker of a workspace over its profile's quota and ends the session
     * {@code workspace_quota_exceeded}, without taking in what is left in the outbox: that is what
     * filled the disk. No runtime can bound the mailbox directories themselves (D43), so this check is
     * the bound; a worker can overshoot it by what it writes between two checks.
     */
    private void enforceQuota(SupervisedSession s) {
        try {
            checkQuota(s);
        } catch (IOException | RuntimeException e) {
            log.warn("could not check the workspace quota of {}; checked again on a later rescan", s.id(), e);
        }
    }

    private void checkQuota(SupervisedSession s) throws IOException {
        String id = s.id();
        Profile profile = profileOf(id);
        Profile.WorkspaceQuota quota = profile == null ? Profile.WorkspaceQuota.DEFAULTS : profile.workspaceQuota();
        WorkspaceUsage usage = WorkspaceUsage.measure(workspaceOf(id), quota.maxBytes(), quota.maxFiles());
        if (!usage.exceeded() || !s.stop()) return;
        String detail = usage.bytes() > quota.maxBytes()
                ? "the workspace holds more than workspace_max_bytes (" + quota.maxBytes() + " bytes)"
                : "the workspace holds more than workspace_max_files (" + quota.maxFiles() + " files)";
        log.warn("session {}: {}; stopping its worker", id, detail);
        s.worker().ifPresent(w -> stopQuietly(s, w.ref(), profile));
        endAndClean(id, new EndCause.QuotaExceeded(detail));
    }

    // =====================================================================================
    // start
    // =====================================================================================

    /** Creates the workspace and starts the worker of a CREATING session; returns it RUNNING. */
    public Session start(Session created, Profile profile) {
        String id = created.id();
        Sandbox sandbox = sandboxes.get(profile.runtime());
        if (sandbox == null) {
            fail(id, "runtime '" + profile.runtime() + "' is not available on this server");
            throw new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "profile '" + profile.name() + "' needs runtime '" + profile.runtime()
                            + "', which this server does not have",
                    Map.of("session_id", id, "field", "profile"));
        }
        Workspace ws;
        try {
            ws = Workspaces.create(config.dataDir(), id);
        } catch (IOException | BosunException e) {
            log.warn("cannot create workspace for {}", id, e);
            fail(id, "could not create the session workspace");
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "could not create the workspace for session '" + id + "'",
                    Map.of("session_id", id));
        }
        SupervisedSession s = SupervisedSession.starting(id);
        supervised.put(id, s);
        Worker worker;
        // The start's span is current while the environment is made, so the worker gets TRACEPARENT naming it.
        Span span = Tracing.start(
                "worker start",
                SpanKind.INTERNAL,
                Attributes.of(Tracing.SESSION_ID, id, RUNTIME, profile.runtime(), PROFILE, profile.name()));
        try (Scope ignored = span.makeCurrent()) {
            worker = sandbox.start(new WorkerSpec(
                    id,
                    workerNode,
                    profile,
                    ws,
                    env(id, ws, profile),
                    Map.of(WorkerSpec.LABEL_SESSION, id, WorkerSpec.LABEL_NODE, workerNode)));
        } catch (BosunException e) {
            Tracing.fail(span, e);
            s.abandon();
            fail(id, e.getMessage());
            var details = new HashMap<String, Object>(e.details());
            details.put("session_id", id);
            throw new BosunException(
                    e.code(), "worker for session '" + id + "' did not start: " + e.getMessage(), details, e);
        } finally {
            span.end();
        }
        s.attach(worker);
        // Watched only now: a runtime may swap in other mailbox directories while starting (a claimed
        // warm container brings its own); the trigger below takes in anything written before this.
        try {
            if (watcher != null) watcher.register(id, ws.outbox());
        } catch (IOException e) {
            log.warn("cannot watch outbox of {}; the rescan covers it", id, e);
        }
        Session running;
        try {
            ObjectNode extra = Json.object();
            extra.put("runtime", profile.runtime());
            extra.put("workspace", ws.relative());
            running = store.markRunning(id, worker.ref(), extra, clock.instant());
        } catch (BosunException e) {
            // The reaper ended it (startup deadline) while the worker was starting: the worker must go.
            s.abandon();
            stopQuietly(s, worker.ref(), profile);
            sessions.getSession(id).ifPresent(this::cleanup);
            throw e;
        }
        // Live only once RUNNING is committed: an outbox ingested earlier (the watcher fires as soon as
        // the worker writes) would put its first event before session_started.
        if (!s.goLive()) {
            // An end came while it was starting; it may not have known this worker, so stop it here.
            // Whoever commits the end cleans up (if it has already, the clean-up waited for this).
            stopQuietly(s, worker.ref(), profile);
            sessions.getSession(id).ifPresent(this::cleanup);
            return running;
        }
        watchExit(s, worker);
        inbox.deliverPending(s);
        outbox.trigger(s);
        return running;
    }

    /** Supervises the live worker of a RUNNING session found again after a restart. */
    void adopt(String id, Worker worker) {
        SupervisedSession s = SupervisedSession.adopted(id, worker);
        supervised.put(id, s);
        try {
            if (watcher != null) watcher.register(id, workspaceOf(id).outbox());
        } catch (IOException e) {
            log.warn("cannot watch outbox of {}; the rescan covers it", id, e);
        }
        watchExit(s, worker);
        inbox.deliverPending(s);
        outbox.trigger(s);
    }

    private void fail(String sessionId, String reason) {
        endAndClean(sessionId, new EndCause.StartupFailed(reason));
    }

    /** Ends a session for a cause found here (exit, loss, quota, failed start) and cleans up after it. */
    void endAndClean(String sessionId, EndCause cause) {
        cleanup(ends.end(sessionId, cause).session());
    }

    /** Ends a session whose worker is gone after taking in what it left in its outbox. */
    void endLost(String id, EndCause cause) {
        try (var ctx = LogContext.of("session_id", id)) {
            log.warn(
                    "session {} ends {}: {}",
                    id,
                    cause.reason().code(),
                    cause.error().orElse("its worker is gone"));
            outbox.finalDrain(SupervisedSession.ending(id));
            endAndClean(id, cause);
        }
    }

    private Map<String, String> env(String id, Workspace ws, Profile profile) {
        var env = new HashMap<String, String>(profile.env());
        env.put("BOSUN_SESSION_ID", id);
        env.put("BOSUN_INBOX", ws.inbox().toString());
        env.put("BOSUN_OUTBOX", ws.outbox().toString());
        env.put("BOSUN_WORKSPACE", ws.root().toString());
        env.put("BOSUN_NODE_ID", workerNode);
        // A volume name only means something to the Docker runtime; the process runtime gets directories.
        config.modelCache().filter(m -> m.startsWith("/")).ifPresent(m -> env.put("BOSUN_MODEL_CACHE", m));
        // OTel's environment-variable carrier: a traced worker continues the trace of its start.
        Tracing.traceparent().ifPresent(t -> env.put(Tracing.TRACEPARENT_ENV, t));
        return env;
    }

    private void watchExit(SupervisedSession s, Worker worker) {
        worker.onExit()
                .whenComplete((exit, err) -> Thread.ofVirtual()
                        .name("bosun-exit-" + s.id())
                        .start(() -> {
                            try (var ctx = LogContext.of("session_id", s.id())) {
                                exited(s, exit);
                            }
                        }));
    }

    /**
     * The worker exited. Only an exit of a live worker ends its session: when Bosun stopped it, or
     * has already cleaned up (the notice comes on another thread, possibly long after), the
     * transition is refused and nothing is taken in or ended. Returns whether it ended the session.
     */
    boolean exited(SupervisedSession s, WorkerExit exit) {
        if (closed || !s.exited()) return false;
        outbox.finalDrain(s); // take in what it wrote last, before the end closes the log
        String detail = exit == null ? "worker exited" : exit.detail();
        try {
            endAndClean(
                    s.id(),
                    new EndCause.WorkerExited(
                            exit == null ? Optional.empty() : exit.exitCode(),
                            exit != null && exit.oomKilled() ? detail + " (oom_killed)" : detail));
        } catch (RuntimeException e) {
            log.warn("could not end session {} after its worker exited", s.id(), e);
        }
        return true;
    }

    // =====================================================================================
    // inbox and outbox
    // =====================================================================================

    /** Writes a committed IN event (and any earlier ones not yet written) to the worker's inbox. */
    public void deliver(Event e) {
        if (e.direction() != Direction.IN) return;
        SupervisedSession s = supervised.get(e.sessionId());
        if (s == null) return;
        // A child of the send's span, remembered first as the cause of the next outbox ingestion: the
        // write itself may be done by another thread (a commit notice) that knows no trace (D102).
        Span span = Tracing.start(
                "inbox delivery", SpanKind.PRODUCER, Attributes.of(Tracing.SESSION_ID, s.id(), SEQ, e.seq()));
        s.cause.set(span.getSpanContext());
        try {
            span.setAttribute(WRITTEN, inbox.deliverPending(s));
        } finally {
            span.end();
        }
    }

    /**
     * Another node committed to a session. If its worker is ours: a send through that node is written
     * to the inbox; an end through that node stops the worker and cleans up here, where it runs.
     */
    public void peerCommitted(String sessionId) {
        SupervisedSession s = supervised.get(sessionId);
        if (s == null || !s.isLive()) return;
        try {
            ingestors.execute(() -> {
                Optional<Session> now = sessions.getSession(sessionId);
                if (now.isPresent() && now.get().isEnded()) cleanup(now.get());
                else inbox.deliverPending(s);
            });
        } catch (RejectedExecutionException closing) {
            // shutting down: a restart delivers what is pending
        }
    }

    /** Asks for the session's outbox to be ingested soon; coalesces with a drain already under way. */
    public void trigger(String id) {
        SupervisedSession s = supervised.get(id);
        if (s != null) outbox.trigger(s);
    }

    // =====================================================================================
    // stop and clean up
    // =====================================================================================

    /**
     * Before an end by request: stop the worker, then take in what it wrote. A second stop of the
     * same session is refused (the worker is stopped once) but still waits for the final drain.
     */
    public void stopForEnd(String id) {
        SupervisedSession s = supervised.get(id);
        if (s == null) {
            // Not supervised here: another node's worker (a shared store) is its owner's to stop; it
            // hears of the end and cleans up. One of ours that is not supervised is stopped from the store.
            if (store.liveWorkerSessions(config.nodeId()).stream().noneMatch(x -> x.id().equals(id))) return;
            store.workerOf(id).ifPresent(r -> stopQuietly(id, r, profileOf(id)));
            outbox.finalDrain(SupervisedSession.ending(id));
            return;
        }
        if (s.stop()) {
            Optional<WorkerRef> ref = s.worker().map(Worker::ref).or(() -> store.workerOf(id));
            ref.ifPresent(r -> stopQuietly(s, r, profileOf(id)));
        }
        outbox.finalDrain(s); // refused once cleaned up
    }

    private Profile profileOf(String id) {
        return sessions.getSession(id)
                .flatMap(Session::profile)
                .flatMap(config::profile)
                .orElse(null);
    }

    /** Stops the worker of a supervised session and records it on the session, so its clean-up does not stop it again. */
    private void stopQuietly(SupervisedSession s, WorkerRef ref, Profile profile) {
        if (stopQuietly(s.id(), ref, profile)) s.stopped();
    }

    /** Stops a worker, logging a failure; returns whether the runtime stopped it. */
    boolean stopQuietly(String id, WorkerRef ref, Profile profile) {
        Sandbox sb = sandboxes.get(ref.runtime());
        if (sb == null) {
            log.warn("session {} has a worker of runtime {} which this server does not have", id, ref.runtime());
            return false;
        }
        Duration grace = profile == null ? DEFAULT_STOP_GRACE : profile.stopGrace();
        Span span = Tracing.start(
                "worker stop", SpanKind.INTERNAL, Attributes.of(Tracing.SESSION_ID, id, RUNTIME, ref.runtime()));
        try (Scope ignored = span.makeCurrent()) {
            sb.stop(ref, grace);
            return true;
        } catch (RuntimeException e) {
            Tracing.fail(span, e);
            log.warn("could not stop worker of {}", id, e);
            return false;
        } finally {
            span.end();
        }
    }

    /**
     * After a session has ended: stop its worker if still there, drop it from watching, remove its
     * workspace unless the profile keeps it, and record that all of that is done. Done once per
     * supervised session (a second call is refused); a session not supervised here (after a
     * restart, or another node's end) is cleaned up from what the store says, idempotently.
     */
    public void cleanup(Session ended) {
        if (!ended.isEnded() || !ended.hasWorker()) return; // without a worker, the end transaction did it
        String id = ended.id();
        SupervisedSession s = supervised.get(id);
        if (s != null) {
            if (s.clean() != SupervisedSession.Clean.NOW) return;
            supervised.remove(id, s);
        }
        try {
            Profile profile = ended.profile().flatMap(config::profile).orElse(null);
            // Stopped already by this node (before the end committed): once is enough.
            Optional<WorkerRef> ref = s != null && s.workerStopped()
                    ? Optional.empty()
                    : Optional.ofNullable(s)
                            .flatMap(SupervisedSession::worker)
                            .map(Worker::ref)
                            .or(() -> store.workerOf(id));
            ref.ifPresent(r -> stopQuietly(id, r, profile));
            if (watcher != null) watcher.unregister(id);
            if (profile == null || !profile.keepWorkspace()) removeWorkspace(s, id);
            store.markCleaned(id, clock.instant());
        } catch (IOException | RuntimeException e) {
            log.warn("cleanup of session {} is incomplete; it is retried", id, e);
        }
    }

    /** Removes the workspace once no drain or inbox write of the session is under way (new ones are refused). */
    private void removeWorkspace(SupervisedSession s, String id) throws IOException {
        if (s == null) {
            Workspaces.remove(workspaceOf(id));
            return;
        }
        s.drainLock.lock();
        try {
            synchronized (s.inboxLock) {
                Workspaces.remove(workspaceOf(id));
            }
        } finally {
            s.drainLock.unlock();
        }
    }

    /** Finishes cleanups that a crash interrupted. */
    public void cleanupPending() {
        List<Session> pending;
        do {
            pending = store.uncleanedEnded(config.nodeId(), 500);
            for (Session s : pending) cleanup(s);
        } while (pending.size() == 500);
    }

    // =====================================================================================
    // logs
    // =====================================================================================

    public String logs(Session s, LogStream stream, int maxBytes) {
        Workspace ws = workspaceOf(s.id());
        Path file = stream == LogStream.STDOUT ? ws.stdoutLog() : ws.stderrLog();
        try {
            return Files.exists(file) ? BoundedLogs.tail(file, maxBytes) : "";
        } catch (IOException e) {
            throw BosunException.internal(
                    "could not read the worker's " + stream.name().toLowerCase() + " log", e);
        }
    }

    /** Sessions whose worker this node is looking after right now. */
    public Set<String> liveSessions() {
        return supervised.values().stream()
                .filter(SupervisedSession::isLive)
                .map(SupervisedSession::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The supervised state of a session, for tests: empty once cleaned up or never supervised here. */
    Optional<SupervisedSession> supervision(String id) {
        return Optional.ofNullable(supervised.get(id));
    }

    /** For tests: a drain of the session's outbox as the supervisor would run it (-1 when refused). */
    int drain(SupervisedSession s) {
        return outbox.drain(s);
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing: nothing left to watch
            }
        }
        ingestors.shutdown();
        try {
            ingestors.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Workers keep running on purpose: a restarted Bosun adopts them instead of killing agent work.
    }
}
