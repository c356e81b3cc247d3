package dev.bosun.store;

import java.util.Locale;
import java.util.Objects;

/**
 * What a store knows of its own health without a round trip: the outcome of its latest writes and
 * of its background probe. Readiness reports it as is, so answering costs no database call.
 *
 * @param state  the closed set of conditions readiness distinguishes
 * @param detail one sentence for an operator (no host paths, no passwords)
 */
public record StoreHealth(State state, String detail) {
    /** The conditions a store can be in; only {@link #OK} is ready. */
    public enum State {
        /** Writes commit. */
        OK,
        /** The disk under the store is full: writes fail until space is freed. */
        DISK_FULL,
        /** Writes fail for another reason (an I/O error, a read-only database). */
        FAILING,
        /** The database cannot be reached. */
        UNREACHABLE,
        /** The store has been closed. */
        CLOSED;

        /** The value {@code /readyz} shows for this state: {@code ok}, {@code disk_full}, ... */
        public String check() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final StoreHealth HEALTHY = new StoreHealth(State.OK, "writes commit");
    public static final StoreHealth CLOSED = new StoreHealth(State.CLOSED, "the store is closed");

    public StoreHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean ready() {
        return state == State.OK;
    }
}
