package dev.bosun.store;

import dev.bosun.config.PatternSettings;
import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import java.time.Instant;
import java.util.Optional;

/**
 * Ends a live session: a compare-and-set from CREATING or RUNNING to ENDED that also cancels its
 * open tasks and writes {@code session_ended}, all in one transaction. Production code makes them
 * only through {@code dev.bosun.session.end.SessionEnds}; the shorter constructors are for store tests.
 *
 * @param precondition for expiry, the deadline that must still be due at {@code at}; if activity
 *                     moved it in the meantime nothing changes
 * @param h1End        β₁ of the tenant's fleet graph at the end, when routing is on (for {@code h1_delta})
 * @param patterns     thresholds for the patterns named in {@code session_ended} (see {@code SessionPatterns})
 */
public record EndRequest(
        String sessionId,
        SessionOutcome outcome,
        EndReason reason,
        Optional<String> error,
        Optional<Integer> exitCode,
        Precondition precondition,
        Instant at,
        Optional<Long> h1End,
        PatternSettings patterns) {

    public EndRequest(
            String sessionId,
            SessionOutcome outcome,
            EndReason reason,
            Optional<String> error,
            Optional<Integer> exitCode,
            Precondition precondition,
            Instant at,
            Optional<Long> h1End) {
        this(sessionId, outcome, reason, error, exitCode, precondition, at, h1End, PatternSettings.DEFAULTS);
    }

    public EndRequest(
            String sessionId,
            SessionOutcome outcome,
            EndReason reason,
            Optional<String> error,
            Optional<Integer> exitCode,
            Precondition precondition,
            Instant at) {
        this(sessionId, outcome, reason, error, exitCode, precondition, at, Optional.empty());
    }

    /** What must still hold when the end commits. */
    public enum Precondition {
        NONE,
        IDLE_DUE,
        TTL_DUE,
        STARTUP_DUE
    }
}
