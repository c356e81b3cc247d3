package dev.bosun.delivery;

import java.time.Instant;
import java.util.Optional;

/** What one attempt came to; recorded with {@link DeliveryStore#record}. */
public sealed interface DeliveryOutcome {
    String id();

    Instant at();

    /** Accepted (2xx), or already held by the receiver from a lost earlier attempt ({@code note} says so). */
    record Delivered(String id, int status, Optional<String> remoteId, Optional<String> note, Instant at)
            implements DeliveryOutcome {
        public Delivered(String id, int status, Optional<String> remoteId, Instant at) {
            this(id, status, remoteId, Optional.empty(), at);
        }
    }

    /** Refused for good; the lane moves on. */
    record Rejected(String id, int status, String reason, Instant at) implements DeliveryOutcome {}

    /** Failed; try again at {@code nextAttemptAt}, still heading its lane. */
    record Retry(String id, Optional<Integer> status, String error, Instant at, Instant nextAttemptAt)
            implements DeliveryOutcome {}

    /** Failed past the maximum age: dead-lettered; the lane moves on. */
    record Dead(String id, Optional<Integer> status, String error, Instant at) implements DeliveryOutcome {}
}
