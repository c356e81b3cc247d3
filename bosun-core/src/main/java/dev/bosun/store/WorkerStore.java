package dev.bosun.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.event.Event;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.Session;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the worker supervisor keeps in the store: a worker's start and reference, its inbox progress,
 * and which sessions of a node still have a worker to watch or clean up. On a store shared by several
 * nodes the writes are fenced: only the session's owner makes them.
 */
public interface WorkerStore {

    /** CREATING → RUNNING with the worker's reference, writing {@code session_started}. CONFLICT if not CREATING. */
    Session markRunning(String sessionId, WorkerRef worker, ObjectNode startedPayload, Instant at);

    /** The worker reference recorded for a session, if it has one. */
    Optional<WorkerRef> workerOf(String sessionId);

    /** IN events not yet written to the worker's inbox, in seq order. */
    List<Event> pendingInbox(String sessionId, int limit);

    /** Records that IN events up to {@code seq} are in the inbox. Never moves backwards. */
    void markInboxWritten(String sessionId, long seq);

    /** Live sessions with a worker owned by {@code nodeId}: what recovery and the ingester look after. */
    List<Session> liveWorkerSessions(String nodeId);

    /** Ended sessions of {@code nodeId} whose worker and workspace have not been cleaned up yet. */
    List<Session> uncleanedEnded(String nodeId, int limit);

    /** Records that an ended session's worker is stopped and its workspace dealt with. */
    void markCleaned(String sessionId, Instant at);
}
