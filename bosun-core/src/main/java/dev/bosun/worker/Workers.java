package dev.bosun.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.mailbox.ClaimedFile;
import dev.bosun.mailbox.InboxWriter;
import dev.bosun.mailbox.OutboxClaims;
import dev.bosun.mailbox.OutboxItem;
import dev.bosun.mailbox.OutboxWatcher;
import dev.bosun.mailbox.Workspace;
import dev.bosun.mailbox.WorkspaceUsage;
import dev.bosun.mailbox.Workspaces;
import dev.bosun.sandbox.BoundedLogs;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerExit;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import dev.bosun.session.Session;
import dev.bosun.session.SessionManager;
import dev.bosun.session.SessionStatus;
import dev.bosun.session.end.EndCause;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.NewEvent;
import dev.bosun.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after the workers of this node's sessions: starts them, writes committed IN events to their
 * inboxes, ingests their outboxes into the log, notices their exits, stops them and cleans up, and
 * after a restart adopts live workers, ends sessions whose worker is gone and removes orphans.
 *
 * <p>Ingestion is single-flight per session (one drain at a time, re-run when more files arrive)
 * and idempotent per claimed file, so a crash between commit and delete never duplicates an event.
 */
public final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    static final int INGEST_BATCH = 256;
    private static final int INBOX_BATCH = 1000;

    private final BosunConfig config;
    private final Store store;
    private final Clock clock;
    private final Map<String, Sandbox> sandboxes;
    private final SessionEnds ends;
    /** The node label on workers: node id plus a digest of the data dir, so two installs on one host never touch each other's workers. */
    private final String workerNode;

    private final Map<String, Worker> live = new ConcurrentHashMap<>();
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private final Map<String, OutboxClaims> claims = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> drainLocks = new ConcurrentHashMap<>();
    private final Map<String, Flight> flights = new ConcurrentHashMap<>();
    private final Map<String, Object> inboxLocks = new ConcurrentHashMap<>();
    private final ExecutorService ingestors = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bosun-outbox-rescan").daemon(true).factory());
    private OutboxWatcher watcher;

    /** Workspace quotas are measured on every this many outbox rescans: a walk costs more than a rescan. */
    static final int QUOTA_EVERY_RESCANS = 5;
    private long rescans;

    public Workers(BosunConfig config, Store store, Clock clock, Map<String, Sandbox> sandboxes, SessionEnds ends) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.sandboxes = Map.copyOf(sandboxes);
        this.ends = ends;
        this.workerNode = config.nodeId() + "." + digest(config.dataDir());
        try {
            this.watcher = new OutboxWatcher(this::trigger);
        } catch (IOException e) {
            log.warn("file-system watch unavailable; outboxes are rescanned every {}", config.outboxRescan(), e);
            this.watcher = null;
        }
    }

    private static String digest(Path dataDir) {
        try {
            Path real = Files.exists(dataDir) ? dataDir.toRealPath() : dataDir.toAbsolutePath().normalize();
            byte[] h = MessageDigest.getInstance("SHA-256").digest(real.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot identify the data dir", e);
        }
    }

    /** The node label this supervisor puts on its workers. */
    public String workerNode() { return workerNode; }

    public Map<String, Sandbox> sandboxes() { return sandboxes; }

    public Workspace workspaceOf(String sessionId) { return Workspace.at(config.dataDir(), sessionId); }

    /** Starts the watcher and the periodic rescan (backstop for lost watch events, and log bounding). */
    public void startBackground() {
        if (watcher != null) watcher.start();
        long every = Math.max(50, config.outboxRescan().toMillis());
        ticker.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.MILLISECONDS);
        long reconcile = config.sandbox().reconcileInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::reconcile, reconcile, reconcile, TimeUnit.MILLISECONDS);
        var warm = config.profiles().values().stream().filter(p -> p.isolation().warmPool() > 0)
                .map(p -> dev.bosun.sandbox.SandboxPolicy.apply(p, dev.bosun.sandbox.SandboxRequest.NONE, config.sandbox()))
                .toList();
        if (!warm.isEmpty()) {
            for (Sandbox sb : sandboxes.values()) {
                if (sb.availability().usable()) sb.prewarm(warm, config.dataDir(), workerNode);
            }
        }
    }

    /**
     * The periodic half of reconciliation (the other half is {@link #recover} at start-up): a labelled
     * worker whose session has ended or is unknown is stopped and removed. Workers of sessions that
     * are still being created are left alone; exits of live workers are noticed by their watchers.
     */
    public void reconcile() {
        for (Sandbox sb : sandboxes.values()) {
            try {
                if (!sb.availability().usable()) continue;
                for (Sandbox.LabelledWorker lw : sb.list(workerNode)) {
                    String sid = lw.sessionId();
                    if (live.containsKey(sid)) continue;
                    Optional<Session> s = dev.bosun.id.Ids.isSafe(sid) ? store.getSession(sid) : Optional.empty();
                    if (s.isPresent() && !s.get().isEnded()) continue;
                    log.warn("removing worker {} of {} session {}", lw.ref().id(), s.isPresent() ? "ended" : "unknown", sid);
                    sb.stop(lw.ref(), Duration.ofSeconds(2));
                }
            } catch (RuntimeException e) {
                log.warn("reconciling {} workers failed; retried in {}", sb.runtime(), config.sandbox().reconcileInterval(), e);
            }
        }
    }

    private void rescan() {
        boolean quotas = rescans++ % QUOTA_EVERY_RESCANS == 0;
        try {
            for (String id : live.keySet()) {
                trigger(id);
                Workspace ws = workspaceOf(id);
                BoundedLogs.enforce(ws.stdoutLog(), config.workerLogMaxBytes());
                BoundedLogs.enforce(ws.stderrLog(), config.workerLogMaxBytes());
                if (quotas) enforceQuota(id);
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
    private void enforceQuota(String id) {
        try {
            checkQuota(id);
        } catch (IOException | RuntimeException e) {
            log.warn("could not check the workspace quota of {}; checked again on a later rescan", id, e);
        }
    }

    private void checkQuota(String id) throws IOException {
        Profile profile = profileOf(id);
        Profile.WorkspaceQuota quota = profile == null ? Profile.WorkspaceQuota.DEFAULTS : profile.workspaceQuota();
        WorkspaceUsage usage = WorkspaceUsage.measure(workspaceOf(id), quota.maxBytes(), quota.maxFiles());
        if (!usage.exceeded()) return;
        Worker w = live.get(id);
        if (w == null) return;
        String detail = usage.bytes() > quota.maxBytes()
                ? "the workspace holds more than workspace_max_bytes (" + quota.maxBytes() + " bytes)"
                : "the workspace holds more than workspace_max_files (" + quota.maxFiles() + " files)";
        log.warn("session {}: {}; stopping its worker", id, detail);
        stopQuietly(id, w.ref(), profile);
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
            throw new BosunException(ErrorCode.UNAVAILABLE, "profile '" + profile.name() + "' needs runtime '"
                    + profile.runtime() + "', which this server does not have", Map.of("session_id", id, "field", "profile"));
        }
        Workspace ws;
        try {
            ws = Workspaces.create(config.dataDir(), id);
        } catch (IOException | BosunException e) {
            log.warn("cannot create workspace for {}", id, e);
            fail(id, "could not create the session workspace");
            throw new BosunException(ErrorCode.INTERNAL, "could not create the workspace for session '" + id + "'",
                    Map.of("session_id", id));
        }
        Worker worker;
        try {
            worker = sandbox.start(new WorkerSpec(id, workerNode, profile, ws, env(id, ws, profile),
                    Map.of(WorkerSpec.LABEL_SESSION, id, WorkerSpec.LABEL_NODE, workerNode)));
        } catch (BosunException e) {
            fail(id, e.getMessage());
            var details = new HashMap<String, Object>(e.details());
            details.put("session_id", id);
            throw new BosunException(e.code(), "worker for session '" + id + "' did not start: " + e.getMessage(), details, e);
        }
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
            stopQuietly(id, worker.ref(), profile);
            store.getSession(id).ifPresent(this::cleanup);
            throw e;
        }
        // Live only once RUNNING is committed: an outbox ingested earlier (the watcher fires as soon as
        // the worker writes) would put its first event before session_started.
        live.put(id, worker);
        watchExit(id, worker);
        deliverPending(id);
        trigger(id);
        return running;
    }

    private void fail(String sessionId, String reason) {
        endAndClean(sessionId, new EndCause.StartupFailed(reason));
    }

    /** Ends a session for a cause found here (exit, loss, quota, failed start) and cleans up after it. */
    private void endAndClean(String sessionId, EndCause cause) {
        cleanup(ends.end(sessionId, cause).session());
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
        return env;
    }

    private void watchExit(String id, Worker worker) {
        worker.onExit().whenComplete((exit, err) -> Thread.ofVirtual().name("bosun-exit-" + id).start(() -> onExit(id, exit)));
    }

    private void onExit(String id, WorkerExit exit) {
        live.remove(id);
        if (stopping.contains(id)) return; // Bosun stopped it; whoever did records the reason
        // The exit can be reported after the session's end has already stopped the worker and removed
        // its workspace (the notice comes on another thread): then there is nothing to take in or end,
        // and draining would only bring back directories of the removed workspace.
        try {
            if (store.getSession(id).map(Session::isEnded).orElse(true)) return;
        } catch (RuntimeException e) {
            return; // the store is closed (Bosun is stopping): recovery at the next start deals with the exit
        }
        try {
            drain(id); // take in what it wrote last, before the end closes the log
        } catch (RuntimeException e) {
            log.warn("final ingest for {} failed", id, e);
        }
        String detail = exit == null ? "worker exited" : exit.detail();
        try {
            endAndClean(id, new EndCause.WorkerExited(exit == null ? Optional.empty() : exit.exitCode(),
                    exit != null && exit.oomKilled() ? detail + " (oom_killed)" : detail));
        } catch (RuntimeException e) {
            log.warn("could not end session {} after its worker exited", id, e);
        }
    }

    // =====================================================================================
    // inbox
    // =====================================================================================

    /** Writes a committed IN event (and any earlier ones not yet written) to the worker's inbox. */
    public void deliver(Event e) {
        if (e.direction() == Direction.IN && live.containsKey(e.sessionId())) deliverPending(e.sessionId());
    }

    /**
     * Another node committed to a session. If its worker is ours: a send through that node is written
     * to the inbox; an end through that node stops the worker and cleans up here, where it runs.
     */
    public void peerCommitted(String sessionId) {
        if (!live.containsKey(sessionId)) return;
        try {
            ingestors.execute(() -> {
                Optional<Session> s = store.getSession(sessionId);
                if (s.isPresent() && s.get().isEnded()) cleanup(s.get());
                else deliverPending(sessionId);
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: a restart delivers what is pending
        }
    }

    private void deliverPending(String id) {
        synchronized (inboxLocks.computeIfAbsent(id, k -> new Object())) {
            if (!live.containsKey(id)) return;
            Workspace ws = workspaceOf(id);
            List<Event> pending;
            do {
                pending = store.pendingInbox(id, INBOX_BATCH);
                if (pending.isEmpty()) return;
                long last = 0;
                try {
                    for (Event ev : pending) {
                        InboxWriter.write(ws, ev);
                        last = ev.seq();
                    }
                } catch (IOException ex) {
                    // Stays pending: the next send, the rescan or a restart writes it again.
                    log.warn("could not write inbox of {}: {}", id, ex.toString());
                } finally {
                    if (last > 0) store.markInboxWritten(id, last);
                }
                if (last == 0) return;
            } while (pending.size() == INBOX_BATCH);
        }
    }

    // =====================================================================================
    // outbox
    // =====================================================================================

    private static final class Flight {
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean dirty = new AtomicBoolean();
    }

    /** Asks for the session's outbox to be ingested soon; coalesces with a drain already under way. */
    public void trigger(String id) {
        if (!live.containsKey(id)) return;
        Flight f = flights.computeIfAbsent(id, k -> new Flight());
        f.dirty.set(true);
        if (f.running.compareAndSet(false, true)) ingestors.execute(() -> fly(id, f));
    }

    private void fly(String id, Flight f) {
        try {
            while (f.dirty.getAndSet(false)) drain(id);
        } catch (RuntimeException e) {
            log.warn("ingesting outbox of {} failed; the rescan retries", id, e);
        } finally {
            f.running.set(false);
            if (f.dirty.get() && live.containsKey(id) && f.running.compareAndSet(false, true)) ingestors.execute(() -> fly(id, f));
        }
    }

    /** Ingests everything in the outbox now, in name order. Returns how many files it took in. */
    public int drain(String id) {
        ReentrantLock lock = drainLocks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            OutboxClaims c = claims.computeIfAbsent(id, k -> {
                try {
                    return new OutboxClaims(workspaceOf(k), clock);
                } catch (IOException e) {
                    throw BosunException.internal("cannot open the outbox of session '" + k + "'", e);
                }
            });
            int total = 0;
            while (true) {
                List<ClaimedFile> batch = c.claimBatch(INGEST_BATCH);
                if (batch.isEmpty()) return total;
                var events = new ArrayList<NewEvent>(batch.size());
                var items = new ArrayList<OutboxItem>(batch.size());
                for (ClaimedFile f : batch) {
                    OutboxItem item = f.read(config.maxMessageBytes(), config.jsonLimits());
                    items.add(item);
                    events.add(toEvent(id, f, item));
                }
                try {
                    store.appendAll(id, events);
                } catch (BosunException e) {
                    if (e.code() == ErrorCode.CONFLICT) return total; // ended: the workspace goes with it
                    throw e;
                }
                for (int i = 0; i < batch.size(); i++) {
                    if (!items.get(i).accepted()) c.reject(batch.get(i));
                    else c.done(batch.get(i));
                }
                total += batch.size();
            }
        } catch (IOException e) {
            throw BosunException.internal("outbox of session '" + id + "' could not be read: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private NewEvent toEvent(String id, ClaimedFile f, OutboxItem item) {
        return switch (item) {
            case OutboxItem.Message m -> new NewEvent(id, Direction.OUT, m.eventType(), m.payload(),
                    Optional.of(f.claimKey()), true, clock.instant());
            case OutboxItem.TooLarge t -> {
                ObjectNode p = Json.object();
                p.put("code", "outbox_file_too_large");
                p.put("message", "outbox file '" + f.originalName() + "' is " + t.sizeBytes()
                        + " bytes, over the limit of " + config.maxMessageBytes() + " bytes; it was moved aside");
                p.put("size_bytes", t.sizeBytes());
                p.put("limit_bytes", config.maxMessageBytes());
                yield movedAside(id, f, p);
            }
            case OutboxItem.Refused r -> {
                ObjectNode p = Json.object();
                p.put("code", "outbox_file_refused");
                p.put("message", "outbox file '" + f.originalName() + "' " + r.reason()
                        + (r.path().isEmpty() ? "" : " (at " + r.path() + ")") + " [" + r.rule() + "]; it was moved aside");
                p.put("rule", r.rule());
                p.put("path", r.path());
                yield movedAside(id, f, p);
            }
        };
    }

    /** The SYSTEM error event of a file moved to {@code .bosun/rejected/}: {@code p} and where the file went. */
    private NewEvent movedAside(String id, ClaimedFile f, ObjectNode p) {
        p.put("file_name", f.originalName());
        p.put("moved_to", ".bosun/rejected/" + f.originalName());
        return new NewEvent(id, Direction.SYSTEM, SystemEvents.ERROR, p, Optional.of(f.claimKey()), true, clock.instant());
    }

    // =====================================================================================
    // stop and clean up
    // =====================================================================================

    /** Before an end by request: stop the worker, then take in what it wrote. */
    public void stopForEnd(String id) {
        // Another node's worker (a shared store) is its owner's to stop: it hears of the end and cleans up.
        if (!live.containsKey(id) && store.liveWorkerSessions(config.nodeId()).stream().noneMatch(s -> s.id().equals(id))) return;
        stopping.add(id);
        Optional<WorkerRef> ref = Optional.ofNullable(live.get(id)).map(Worker::ref).or(() -> store.workerOf(id));
        ref.ifPresent(r -> stopQuietly(id, r, profileOf(id)));
        if (Files.isDirectory(workspaceOf(id).outbox())) {
            try {
                drain(id);
            } catch (RuntimeException e) {
                log.warn("final ingest for {} failed", id, e);
            }
        }
    }

    private Profile profileOf(String id) {
        return store.getSession(id).flatMap(Session::profile).flatMap(config::profile).orElse(null);
    }

    private void stopQuietly(String id, WorkerRef ref, Profile profile) {
        stopping.add(id);
        Sandbox sb = sandboxes.get(ref.runtime());
        if (sb == null) {
            log.warn("session {} has a worker of runtime {} which this server does not have", id, ref.runtime());
            return;
        }
        Duration grace = profile == null ? Duration.ofSeconds(5) : profile.stopGrace();
        try {
            sb.stop(ref, grace);
        } catch (RuntimeException e) {
            log.warn("could not stop worker of {}", id, e);
        }
    }

    /**
     * After a session has ended: stop its worker if still there, drop it from watching, remove its
     * workspace unless the profile keeps it, and record that all of that is done. Idempotent.
     */
    public void cleanup(Session s) {
        if (!s.isEnded()) return;
        String id = s.id();
        try {
            if (s.hasWorker()) {
                Profile profile = s.profile().flatMap(config::profile).orElse(null);
                stopping.add(id);
                Worker w = live.remove(id);
                Optional<WorkerRef> ref = Optional.ofNullable(w).map(Worker::ref).or(() -> store.workerOf(id));
                ref.ifPresent(r -> stopQuietly(id, r, profile));
                if (watcher != null) watcher.unregister(id);
                flights.remove(id);
                claims.remove(id);
                drainLocks.remove(id);
                inboxLocks.remove(id);
                if (profile == null || !profile.keepWorkspace()) Workspaces.remove(workspaceOf(id));
            }
            if (s.hasWorker()) store.markCleaned(id, clock.instant()); // without one, the end transaction did it
            stopping.remove(id);
        } catch (IOException | RuntimeException e) {
            log.warn("cleanup of session {} is incomplete; it is retried", id, e);
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
    // recovery after a restart
    // =====================================================================================

    /**
     * Brings this node's sessions back in line with reality: CREATING sessions whose start was cut
     * short end {@code startup_failed}; RUNNING ones get their live worker adopted, or end
     * {@code worker_lost} (after ingesting what the worker left); committed IN events missing from an
     * inbox are written; interrupted cleanups finish; labelled workers of no live session are stopped.
     */
    public void recover() {
        var adopted = new java.util.HashSet<String>();
        for (Session s : store.liveWorkerSessions(config.nodeId())) {
            String id = s.id();
            Optional<WorkerRef> ref = store.workerOf(id);
            if (s.status() == SessionStatus.CREATING) {
                ref.ifPresent(r -> stopQuietly(id, r, s.profile().flatMap(config::profile).orElse(null)));
                fail(id, "Bosun restarted before the worker finished starting");
                continue;
            }
            Optional<Worker> w = ref.flatMap(r -> Optional.ofNullable(sandboxes.get(r.runtime())).flatMap(sb -> sb.adopt(r)));
            if (w.isPresent()) {
                adopted.add(id);
                live.put(id, w.get());
                try {
                    if (watcher != null) watcher.register(id, workspaceOf(id).outbox());
                } catch (IOException e) {
                    log.warn("cannot watch outbox of {}; the rescan covers it", id, e);
                }
                watchExit(id, w.get());
                deliverPending(id);
                trigger(id);
                log.info("adopted the live worker of session {}", id);
            } else {
                try {
                    if (Files.isDirectory(workspaceOf(id).outbox())) drain(id);
                } catch (RuntimeException e) {
                    log.warn("could not ingest the outbox of lost session {}", id, e);
                }
                endAndClean(id, new EndCause.WorkerLost("the worker was gone when Bosun restarted"));
            }
        }
        cleanupPending();
        for (Sandbox sb : sandboxes.values()) {
            if (!sb.availability().usable()) continue;
            for (Sandbox.LabelledWorker lw : sb.list(workerNode)) {
                if (adopted.contains(lw.sessionId())) continue;
                log.warn("stopping orphaned worker {} of session {}", lw.ref().id(), lw.sessionId());
                try {
                    sb.stop(lw.ref(), Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    log.warn("could not stop orphan {}", lw.ref().id(), e);
                }
            }
        }
    }

    // =====================================================================================
    // logs
    // =====================================================================================

    public String logs(Session s, SessionManager.LogStream stream, int maxBytes) {
        Workspace ws = workspaceOf(s.id());
        Path file = stream == SessionManager.LogStream.STDOUT ? ws.stdoutLog() : ws.stderrLog();
        try {
            return Files.exists(file) ? BoundedLogs.tail(file, maxBytes) : "";
        } catch (IOException e) {
            throw BosunException.internal("could not read the worker's " + stream.name().toLowerCase() + " log", e);
        }
    }

    /** Sessions whose worker this node is looking after right now. */
    public Set<String> liveSessions() { return Set.copyOf(live.keySet()); }

    @Override
    public void close() {
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
