package dev.bosun.delivery;

import java.util.Optional;

/** What a receiver made of one attempt, as a {@link Sender} classifies it. */
public sealed interface Attempt {
    /** Accepted (2xx). */
    record Accepted(int status, Optional<String> remoteId) implements Attempt {}

    /** Refused for good: retrying the same delivery cannot succeed. */
    record Refused(int status, String reason) implements Attempt {}

    /**
     * Failed, worth retrying: a 5xx, a timeout, a refused or dropped connection.
     *
     * @param status the HTTP status when the receiver answered
     */
    record Failed(Optional<Integer> status, String error) implements Attempt {}
}
