package dev.bosun.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.task.Completion;
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
        Instant at) {

    /** Completes the task whatever its deadline, as the agent reports it. */
    public static TaskCompletion of(String sessionId, String taskId, Completion c, Instant at) {
        return new TaskCompletion(sessionId, taskId, c.outcome(), c.durationMs(), c.result(), c.error(), false, at);
    }

    /** Times the task out only if its deadline is still at or before {@code at} (the reaper's compare-and-set). */
    public static TaskCompletion ifTimedOut(String sessionId, String taskId, String error, Instant at) {
        return new TaskCompletion(
                sessionId,
                taskId,
                TaskOutcome.TIMEOUT,
                Optional.empty(),
                Optional.empty(),
                Optional.of(error),
                true,
                at);
    }
}
