package dev.bosun.delivery;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * How a receiver (PLATO, a webhook subscription) fares, as this node's relay sees it.
 *
 * @param failures consecutive failed attempts
 * @param cause    why it is paused ({@code auth}, {@code crash}), or why it is down
 * @param detail   what was seen, in words: never a credential or a host path
 * @param since    when it entered its state (empty while up)
 */
public record TargetHealth(
        DeliveryKind kind,
        String target,
        Status status,
        Optional<String> cause,
        Optional<String> detail,
        Optional<Instant> since,
        int failures) {

    /** Where a target stands. */
    public enum Status {
        /** Answering (or not tried yet). */
        UP,
        /** Failing, perhaps only for now: one probe at a time until it answers, then every lane is due. */
        DOWN,
        /**
         * Failing in a way retrying cannot fix (a refused credential, a crash on the same delivery every
         * time): nothing is sent but an occasional probe, until a probe is answered or an operator resumes it.
         */
        PAUSED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static TargetHealth up(DeliveryKind kind, String target) {
        return new TargetHealth(kind, target, Status.UP, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }
}
