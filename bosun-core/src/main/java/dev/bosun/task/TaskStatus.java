package dev.bosun.task;

import java.util.Locale;

/** A task's state: RUNNING from the moment it is added, then one final outcome. */
public enum TaskStatus {
    RUNNING,
    SUCCESS,
    FAILED,
    CANCELLED,
    TIMEOUT;

    public boolean isFinal() {
        return this != RUNNING;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
