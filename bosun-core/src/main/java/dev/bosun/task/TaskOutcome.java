package dev.bosun.task;

import dev.bosun.util.Enums;
import java.util.Locale;

/** How a completed task turned out. */
public enum TaskOutcome {
    SUCCESS,
    FAILED,
    CANCELLED,
    TIMEOUT;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a task takes when it completes with this outcome. */
    public TaskStatus status() {
        return TaskStatus.valueOf(name());
    }

    public static TaskOutcome parse(String field, String value) {
        return Enums.parse(TaskOutcome.class, field, value);
    }
}
