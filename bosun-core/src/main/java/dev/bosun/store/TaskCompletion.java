package dev.bosun.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.task.TaskOutcome;
import java.time.Instant;
import java.util.Optional;

/**
 * Completes a running task.
 *
 * @param onlyIfTimedOut the reaper's compare-and-set: complete only if the task's deadline is
 *                       {@code <= at}, so a task that completed or was given more time is untouched
 */
public record TaskCompletion(
        String sessionId,
        String taskId,
        TaskOutcome outcome,
        Optional<Long> durationMs,
        Optional<JsonNode> result,
        Optional<String> error,
        boolean onlyIfTimedOut,
        Instant at) {}
