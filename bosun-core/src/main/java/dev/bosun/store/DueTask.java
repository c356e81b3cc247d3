package dev.bosun.store;

import java.time.Instant;

/** A running task whose timeout deadline is at or before the sweep time. */
public record DueTask(String sessionId, String taskId, Instant deadline) {}
