package dev.bosun.internal.worker;

import dev.bosun.config.BosunConfig;
import dev.bosun.id.Ids;
import dev.bosun.log.LogContext;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.Session;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.EndCause;
import dev.bosun.store.SessionStore;
import dev.bosun.store.WorkerStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this node's workers back in line with the store: at start-up ({@link #recover}) and
 * periodically ({@link #reconcile}). It decides; the supervisor ({@link Workers}) adopts, stops and
 * ends.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);

    private final BosunConfig config;
    private final WorkerStore store;
    private final SessionStore sessions;
    private final Map<String, Sandbox> sandboxes;
    private final String workerNode;
    private final Workers workers;

    <S extends SessionStore & WorkerStore> Recovery(
            BosunConfig config, S store, Map<String, Sandbox> sandboxes, String workerNode, Workers workers) {
        this.config = config;
        this.store = store;
        this.sessions = store;
        this.sandboxes = sandboxes;
        this.workerNode = workerNode;
        this.workers = workers;
    }

    /**
     * CREATING sessions whose start was cut short end {@code startup_failed}; RUNNING ones get their
     * live worker adopted, or end {@code worker_lost} (after ingesting what the worker left);
     * interrupted cleanups finish; labelled workers of no live session are stopped.
     */
    void recover() {
        Set<String> adopted = new HashSet<>();
        for (Session s : store.liveWorkerSessions(config.nodeId())) {
            String id = s.id();
            Optional<WorkerRef> ref = store.workerOf(id);
            if (s.status() == SessionStatus.CREATING) {
                ref.ifPresent(r -> workers.stopQuietly(
                        id, r, s.profile().flatMap(config::profile).orElse(null)));
                workers.endAndClean(
                        id, new EndCause.StartupFailed("Bosun restarted before the worker finished starting"));
                continue;
            }
            Optional<Worker> w = ref.flatMap(
                    r -> Optional.ofNullable(sandboxes.get(r.runtime())).flatMap(sb -> sb.adopt(r)));
            if (w.isPresent()) {
                adopted.add(id);
                workers.adopt(id, w.get());
                log.info("adopted the live worker of session {}", id);
            } else {
                workers.endLost(id, new EndCause.WorkerLost("the worker was gone when Bosun restarted"));
            }
        }
        workers.cleanupPending();
        for (Sandbox sb : usable()) {
            for (Sandbox.LabelledWorker lw : sb.list(workerNode)) {
                if (adopted.contains(lw.sessionId())) continue;
                try (var ctx = LogContext.of(
                        "session_id", lw.sessionId(), "worker_id", lw.ref().id())) {
                    log.warn(
                            "stopping orphaned worker {} of session {}",
                            lw.ref().id(),
                            lw.sessionId());
                    sb.stop(lw.ref(), ORPHAN_GRACE);
                } catch (RuntimeException e) {
                    log.warn("could not stop orphan {}", lw.ref().id(), e);
                }
            }
        }
    }

    /**
     * The periodic half: a labelled worker whose session has ended or is unknown is stopped and
     * removed. Workers of sessions supervised here (starting included) are left alone; exits of live
     * workers are noticed by their watchers.
     */
    void reconcile() {
        for (Sandbox sb : sandboxes.values()) {
            try {
                if (!sb.availability().usable()) continue;
                for (Sandbox.LabelledWorker lw : sb.list(workerNode)) {
                    String sid = lw.sessionId();
                    if (workers.supervises(sid)) continue;
                    Optional<Session> s = Ids.isSafe(sid) ? sessions.getSession(sid) : Optional.empty();
                    if (s.isPresent() && !s.get().isEnded()) continue;
                    try (var ctx = LogContext.of(
                            "session_id", sid, "worker_id", lw.ref().id())) {
                        log.warn(
                                "removing orphaned worker {} of {} session {}",
                                lw.ref().id(),
                                s.isPresent() ? "ended" : "unknown",
                                sid);
                        sb.stop(lw.ref(), ORPHAN_GRACE);
                    }
                }
            } catch (RuntimeException e) {
                log.warn(
                        "reconciling {} workers failed; retried in {}",
                        sb.runtime(),
                        config.sandbox().reconcileInterval(),
                        e);
            }
        }
    }

    private Iterable<Sandbox> usable() {
        return sandboxes.values().stream()
                .filter(sb -> sb.availability().usable())
                .toList();
    }
}
