package dev.bosun.task;

/** How many of a session's tasks are in each state. */
public record TaskCounts(int total, int running, int succeeded, int failed, int cancelled, int timeout) {
    public static final TaskCounts NONE = new TaskCounts(0, 0, 0, 0, 0, 0);
}
