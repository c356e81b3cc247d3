package dev.bosun.tile;

import dev.bosun.event.SystemEvents;
import java.util.Optional;

/** The tile kinds of the holodeck design: one per checkpoint event type. */
public enum TileKind {
    SESSION_START(SystemEvents.SESSION_STARTED),
    TASK_START(SystemEvents.TASK_STARTED),
    TASK_END(SystemEvents.TASK_COMPLETED),
    SESSION_END(SystemEvents.SESSION_ENDED),
    SESSION_ERROR(SystemEvents.ERROR),
    EMERGENCE_ALERT(SystemEvents.EMERGENCE_ALERT);

    private final String eventType;

    TileKind(String eventType) {
        this.eventType = eventType;
    }

    /** The checkpoint event type this kind is made from. */
    public String eventType() {
        return eventType;
    }

    /** The question's prefix: {@code [SESSION_START]}, …, {@code [EMERGENCE ALERT]}. */
    public String label() {
        return "[" + (this == EMERGENCE_ALERT ? "EMERGENCE ALERT" : name()) + "]";
    }

    public static Optional<TileKind> ofEvent(String eventType) {
        for (TileKind k : values()) if (k.eventType.equals(eventType)) return Optional.of(k);
        return Optional.empty();
    }
}
