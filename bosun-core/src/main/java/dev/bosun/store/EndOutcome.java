package dev.bosun.store;

import dev.bosun.error.BosunException;
import java.util.Optional;

/**
 * What one request of {@link SessionStore#endSessions} came to: its result, or the error that refused it (the
 * session unknown, for instance) while the other requests of the call went on.
 */
public record EndOutcome(Optional<EndResult> result, Optional<BosunException> error) {
    public EndOutcome {
        if (result.isPresent() == error.isPresent())
            throw new IllegalArgumentException("an end outcome is a result or an error");
    }

    public static EndOutcome of(EndResult result) {
        return new EndOutcome(Optional.of(result), Optional.empty());
    }

    public static EndOutcome refused(BosunException error) {
        return new EndOutcome(Optional.empty(), Optional.of(error));
    }

    /** Whether this request ended its session (it was live and the precondition held). */
    public boolean transitioned() {
        return result.map(EndResult::transitioned).orElse(false);
    }
}
