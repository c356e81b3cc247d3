package dev.bosun.task;

import dev.bosun.util.Enums;
import java.util.Locale;

/** A task's priority, as in the holodeck design. */
public enum TaskPriority {
    LOW,
    NORMAL,
    HIGH,
    CRITICAL;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskPriority parse(String field, String value) {
        return Enums.parse(TaskPriority.class, field, value);
    }
}
