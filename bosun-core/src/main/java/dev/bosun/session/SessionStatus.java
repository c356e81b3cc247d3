package dev.bosun.session;

import dev.bosun.util.Enums;
import java.util.Locale;

/**
 * Where a session is in its life: {@code CREATING → RUNNING → ENDED}. ENDED is final. A session
 * without a worker goes straight to RUNNING; one with a worker stays CREATING until its worker has
 * started, bounded by the profile's startup deadline.
 */
public enum SessionStatus {
    CREATING,
    RUNNING,
    ENDED;

    public boolean isLive() {
        return this != ENDED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionStatus parse(String field, String value) {
        return Enums.parse(SessionStatus.class, field, value);
    }
}
