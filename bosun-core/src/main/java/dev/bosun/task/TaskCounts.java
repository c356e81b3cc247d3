package dev.bosun.task;

/** How many of a session's tasks are in each state. */
public record TaskCounts(int total, int running, int succeeded, int failed, int cancelled, int timeout) {
    public static final TaskCounts NONE = new TaskCounts(0, 0, 0, 0, 0, 0);

    /** The counts as a session's answer and its {@code session_ended} event carry them. */
    public dev.bosun.wire.TaskCounts toWire() {
        return new dev.bosun.wire.TaskCounts(total, running, succeeded, failed, cancelled, timeout);
    }
}
