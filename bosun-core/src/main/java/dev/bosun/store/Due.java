package dev.bosun.store;

import java.time.Instant;

/** A live session with a deadline at or before the sweep time. */
public record Due(String sessionId, Kind kind, Instant deadline) {
    /** Which deadline is due. */
    public enum Kind {
        STARTUP,
        TTL,
        IDLE
    }
}
