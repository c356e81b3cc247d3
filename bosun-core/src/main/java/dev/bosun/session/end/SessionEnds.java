package dev.bosun.session.end;

import dev.bosun.config.PatternSettings;
import dev.bosun.fleet.Fleet;
import dev.bosun.session.Session;
import dev.bosun.store.EndCause;
import dev.bosun.store.EndOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.EndResult;
import dev.bosun.store.SessionStore;
import dev.bosun.store.TakeoverEnds;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a session's end is made: every path (the API, the reaper, the worker supervisor, a
 * failover takeover) names its {@link EndCause} here, and gets the same end time (from the injected
 * clock), the same β₁ at the end for {@code h1_delta} (when routing is on) and the operator's
 * pattern settings. Stopping the worker and cleaning up stay with the supervisor.
 */
public final class SessionEnds implements TakeoverEnds {
    private final SessionStore store;
    private final Clock clock;
    private final PatternSettings patterns;
    private final Optional<Fleet> routing;

    /**
     * @param routing the fleet when routing is on: its graph's β₁ is recorded at the end
     */
    public SessionEnds(SessionStore store, Clock clock, PatternSettings patterns, Optional<Fleet> routing) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.patterns = Objects.requireNonNull(patterns, "patterns");
        this.routing = Objects.requireNonNull(routing, "routing");
    }

    /**
     * Ends for a store that runs with no session manager on it (a bare store, or before its manager
     * is built): the documented pattern defaults, no routing, the store's own clock.
     */
    public static SessionEnds standalone(SessionStore store, Clock clock) {
        return new SessionEnds(store, clock, PatternSettings.DEFAULTS, Optional.empty());
    }

    /** Ends the session for {@code cause} now; not transitioned if it had already ended (or the precondition failed). */
    public EndResult end(String sessionId, EndCause cause) {
        return store.endSession(prepare(sessionId, cause));
    }

    /** As {@link #end(String, EndCause)} for a session already read (spares the read of its tenant). */
    public EndResult end(Session session, EndCause cause) {
        return store.endSession(request(session.id(), cause, routing.map(f -> f.h1(session.tenant()))));
    }

    /**
     * Ends each of {@code requests} (made by {@link #prepare}) as {@link #end(String, EndCause)} would, in as
     * few commits as the store can (D113); one outcome per request, in order.
     */
    public List<EndOutcome> endAll(List<EndRequest> requests) {
        return store.endSessions(requests);
    }

    /** The end of {@code sessionId} for {@code cause}, not yet committed. */
    public EndRequest prepare(String sessionId, EndCause cause) {
        return request(
                sessionId,
                cause,
                routing.flatMap(f -> store.getSession(sessionId).map(s -> f.h1(s.tenant()))));
    }

    @Override
    public EndRequest prepare(String sessionId, String tenant, EndCause.TakenOver cause) {
        return request(sessionId, cause, routing.map(f -> f.h1(tenant)));
    }

    private EndRequest request(String sessionId, EndCause cause, Optional<Long> h1End) {
        return new EndRequest(
                sessionId,
                cause.outcome(),
                cause.reason(),
                cause.error(),
                cause.exitCode(),
                cause.precondition(),
                clock.instant(),
                h1End,
                patterns);
    }
}
