package dev.bosun.delivery;

import java.util.Optional;

/** What a receiver made of one attempt, as a {@link Sender} classifies it. */
public sealed interface Attempt {
    /**
     * Accepted: a 2xx, or a receiver saying it already holds this very delivery from an earlier
     * attempt whose answer was lost ({@code note} says so).
     */
    record Accepted(int status, Optional<String> remoteId, Optional<String> note) implements Attempt {
        public Accepted(int status, Optional<String> remoteId) {
            this(status, remoteId, Optional.empty());
        }
    }

    /** Refused for good: retrying the same delivery cannot succeed. */
    record Refused(int status, String reason) implements Attempt {}

    /**
     * Failed: a 5xx, a timeout, a refused or dropped connection, a refused credential.
     *
     * @param status the HTTP status when the receiver answered
     * @param cause  what kind of failure, which decides whether retrying can help
     */
    record Failed(Optional<Integer> status, String error, Cause cause) implements Attempt {
        public Failed(Optional<Integer> status, String error) {
            this(status, error, Cause.TRANSIENT);
        }
    }

    /** Why an attempt failed, as far as the sender can tell. */
    enum Cause {
        /** Down, slow, busy or erring: retrying later may well work. */
        TRANSIENT,
        /** The receiver accepted the connection and closed it without an answer: it may have crashed on this delivery. */
        DROPPED,
        /** The receiver refused Bosun's credentials (401, or a 403 that is not a refusal of the delivery). */
        AUTH
    }
}
