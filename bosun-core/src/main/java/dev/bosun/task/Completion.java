package dev.bosun.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * How a task completed: the outcome and, optionally, how long it took, its result and an error.
 *
 * <pre>{@code
 * manager.completeTask(sessionId, "compile-1", Completion.of(TaskOutcome.FAILED)
 *         .withDurationMs(5000).withError("missing dependency"));
 * }</pre>
 *
 * @param durationMs the caller's measure; when empty Bosun measures from the task's start
 */
public record Completion(
        TaskOutcome outcome, Optional<Long> durationMs, Optional<JsonNode> result, Optional<String> error) {
    public static Completion of(TaskOutcome outcome) {
        return new Completion(outcome, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Completion withDurationMs(long ms) {
        return new Completion(outcome, Optional.of(ms), result, error);
    }

    public Completion withResult(JsonNode r) {
        return new Completion(outcome, durationMs, Optional.ofNullable(r), error);
    }

    public Completion withError(String e) {
        return new Completion(outcome, durationMs, result, Optional.ofNullable(e));
    }
}
