package dev.bosun.session;

import java.util.Locale;

/**
 * Why a session ended. Each reason implies the outcome unless the agent chose it ({@link #COMPLETED}).
 */
public enum EndReason {
    /** Ended by its agent through {@code endSession}, with the outcome the agent gave. */
    COMPLETED(null),
    /** Terminated on request. */
    TERMINATED(SessionOutcome.CANCELLED),
    /** No activity for the idle timeout while no task was running. */
    EXPIRED_IDLE(SessionOutcome.TIMEOUT),
    /** Reached its time to live. */
    EXPIRED_TTL(SessionOutcome.TIMEOUT),
    /** Its worker did not start, or did not start before the startup deadline. */
    STARTUP_FAILED(SessionOutcome.FAILED),
    /** Its worker exited (the exit code is recorded). */
    WORKER_EXITED(SessionOutcome.FAILED),
    /** Its worker disappeared, for example while Bosun was down. */
    WORKER_LOST(SessionOutcome.FAILED),
    /** Its workspace grew past the profile's {@code workspace_max_bytes} or {@code workspace_max_files}; the worker was stopped. */
    WORKSPACE_QUOTA_EXCEEDED(SessionOutcome.FAILED);

    private final SessionOutcome impliedOutcome;

    EndReason(SessionOutcome impliedOutcome) {
        this.impliedOutcome = impliedOutcome;
    }

    /** The outcome this reason implies, or {@code null} for {@link #COMPLETED} where the agent decides. */
    public SessionOutcome impliedOutcome() {
        return impliedOutcome;
    }

    /** The snake_case code used on the wire and in events ({@code "expired_idle"}). */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndReason fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
