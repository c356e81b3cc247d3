package dev.bosun.session;

import java.time.Instant;
import java.util.List;

/**
 * Exact counts of one tenant's sessions, for a dashboard's overview: how many are in each status,
 * how many events they hold in all (the sum of their last seqs: a reader takes the difference
 * between two of these to get a rate), and how many started and ended since a moment, the ended
 * ones by outcome and reason.
 */
public record SessionStats(
        long creating,
        long running,
        long ended,
        long events,
        Instant since,
        long startedSince,
        List<Ended> endedSince) {
    public SessionStats {
        endedSince = List.copyOf(endedSince);
    }

    /** How many sessions ended with this outcome and reason. */
    public record Ended(SessionOutcome outcome, EndReason reason, long count) {}
}
