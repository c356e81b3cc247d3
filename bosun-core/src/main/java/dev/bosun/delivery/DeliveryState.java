package dev.bosun.delivery;

import dev.bosun.error.BosunException;
import java.util.Arrays;
import java.util.Locale;

/** Where a delivery stands. Only {@link #PENDING} ones are ever sent. */
public enum DeliveryState {
    /** Waiting for its turn, being sent, or waiting to be retried. */
    PENDING,
    /** Accepted by the receiver (2xx). */
    DELIVERED,
    /** Refused for good by the receiver (for PLATO: a 400/403 with {@code status: "rejected"}); never retried by itself. */
    REJECTED,
    /** Still failing after the maximum age: dead-lettered, kept until retried by hand or purged. */
    DEAD,
    /** Kept locally, never sent (tiles with {@code emit_tiles=false} or no PLATO server configured). */
    LOCAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire name, or INVALID_ARGUMENT naming {@code field} and the allowed values. */
    public static DeliveryState fromWire(String field, String value) {
        for (DeliveryState s : values()) if (s.wire().equals(value)) return s;
        throw BosunException.invalid(
                field,
                field + " = '" + value + "' is not a delivery state; allowed "
                        + String.join(
                                ", ",
                                Arrays.stream(values()).map(DeliveryState::wire).toList()));
    }
}
