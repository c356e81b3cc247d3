package dev.bosun.store.jdbc;

import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStats;
import dev.bosun.session.SessionStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link SessionStats} in one grouped query, the same SQL on SQLite and PostgreSQL: one row per
 * (status, outcome, reason), at most a few dozen, each with its count, its events and how many of
 * it were created or ended since the given moment. It reads each of the tenant's sessions once
 * (through the tenant index), with no per-row work beyond the sums.
 */
public final class SessionTally {
    private SessionTally() {}

    /** Arguments: since (epoch ms), since (epoch ms), tenant. */
    public static final String SQL = "SELECT status, outcome, reason, COUNT(*), COALESCE(SUM(last_seq), 0), "
            + "SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END), SUM(CASE WHEN ended_at >= ? THEN 1 ELSE 0 END) "
            + "FROM sessions WHERE tenant = ? GROUP BY status, outcome, reason";

    /** One group of the query. */
    public record Group(
            SessionStatus status,
            SessionOutcome outcome,
            EndReason reason,
            long count,
            long events,
            long createdSince,
            long endedSince) {}

    public static Group group(ResultSet r) throws SQLException {
        String outcome = r.getString(2);
        String reason = r.getString(3);
        return new Group(
                SessionStatus.valueOf(r.getString(1)),
                outcome == null ? null : SessionOutcome.valueOf(outcome),
                reason == null ? null : EndReason.valueOf(reason),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                r.getLong(7));
    }

    /** The groups added up; the ended ones by outcome and reason, most first. */
    public static SessionStats stats(List<Group> groups, Instant since) {
        long creating = 0, running = 0, ended = 0, events = 0, started = 0;
        var endedSince = new ArrayList<SessionStats.Ended>();
        for (Group g : groups) {
            switch (g.status()) {
                case CREATING -> creating += g.count();
                case RUNNING -> running += g.count();
                case ENDED -> ended += g.count();
            }
            events += g.events();
            started += g.createdSince();
            if (g.status() == SessionStatus.ENDED && g.endedSince() > 0 && g.outcome() != null && g.reason() != null) {
                endedSince.add(new SessionStats.Ended(g.outcome(), g.reason(), g.endedSince()));
            }
        }
        endedSince.sort(Comparator.comparingLong(SessionStats.Ended::count)
                .reversed()
                .thenComparing(e -> e.outcome().value())
                .thenComparing(e -> e.reason().code()));
        return new SessionStats(creating, running, ended, events, since, started, endedSince);
    }
}
