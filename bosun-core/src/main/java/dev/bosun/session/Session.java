package dev.bosun.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.task.TaskCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one session as the store last committed it. Immutable: re-read it through the
 * {@code SessionManager} to see later changes.
 *
 * @param id             {@code sess_} + ULID
 * @param tenant         the tenant that owns the session ({@code default} for the embedded library)
 * @param profile        the worker profile, or empty for a session without a worker
 * @param outcome        set once the session has ENDED
 * @param reason         why it ended, once it has ENDED
 * @param exitCode       the worker's exit code when the reason is {@code worker_exited} and it is known
 * @param expiresAt      the TTL deadline: createdAt + ttl
 * @param workspace      the workspace path relative to the data dir, when the session has a worker
 * @param lastSeq        the seq of the newest event in the session's log
 * @param scoutRoom      the session's own tile domain, when it chose one
 * @param emitTiles      the session's own choice to send tiles to PLATO, when it made one
 * @param patterns       the patterns named when it ended (docs/PATTERNS.md); empty while live
 */
public record Session(
        String id,
        String tenant,
        String name,
        String agentId,
        List<String> tags,
        ObjectNode metadata,
        Optional<String> profile,
        SessionStatus status,
        Optional<SessionOutcome> outcome,
        Optional<EndReason> reason,
        Optional<String> error,
        Optional<Integer> exitCode,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Instant lastActivityAt,
        Duration idleTimeout,
        Duration ttl,
        Instant expiresAt,
        int maxTasks,
        Duration taskTimeout,
        Optional<String> workspace,
        TaskCounts taskCounts,
        long lastSeq,
        Optional<String> scoutRoom,
        Optional<Boolean> emitTiles,
        List<String> patterns) {

    public Session {
        tags = List.copyOf(tags);
        patterns = List.copyOf(patterns);
        metadata = metadata.deepCopy();
    }

    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    public boolean isEnded() {
        return status == SessionStatus.ENDED;
    }

    /** The same snapshot after events were appended that changed nothing but the log's end. */
    public Session withLastSeq(long seq) {
        return new Session(
                id,
                tenant,
                name,
                agentId,
                tags,
                metadata,
                profile,
                status,
                outcome,
                reason,
                error,
                exitCode,
                createdAt,
                startedAt,
                endedAt,
                lastActivityAt,
                idleTimeout,
                ttl,
                expiresAt,
                maxTasks,
                taskTimeout,
                workspace,
                taskCounts,
                seq,
                scoutRoom,
                emitTiles,
                patterns);
    }

    public boolean hasWorker() {
        return profile.isPresent();
    }

    /** How long the session has run: from start (or creation) to its end, or to {@code now} while live. */
    public Duration durationAt(Instant now) {
        Instant from = startedAt.orElse(createdAt);
        Instant to = endedAt.orElse(now);
        return to.isBefore(from) ? Duration.ZERO : Duration.between(from, to);
    }
}
