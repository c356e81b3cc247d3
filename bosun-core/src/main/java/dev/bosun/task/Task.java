package dev.bosun.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One task inside a session. A task starts RUNNING when it is added and completes once, with an
 * outcome; completing it again is a CONFLICT.
 *
 * @param id                   the caller's id (unique within the session) or a generated {@code task_…}
 * @param data                 the caller's input, any JSON
 * @param requiredCapabilities capabilities an agent needs to take the task (used by routing)
 * @param assignedAgent        the agent the task was routed to, when routing assigned one
 * @param deadlineAt           when the task times out if it is still running
 * @param durationMs           as given by the caller on completion, or measured from start to end
 */
public record Task(
        String sessionId,
        String id,
        String name,
        JsonNode data,
        TaskPriority priority,
        List<String> requiredCapabilities,
        Optional<String> assignedAgent,
        TaskStatus status,
        Instant createdAt,
        Instant startedAt,
        Optional<Instant> endedAt,
        Instant deadlineAt,
        Optional<Long> durationMs,
        Optional<JsonNode> result,
        Optional<String> error) {

    public Task {
        requiredCapabilities = List.copyOf(requiredCapabilities);
    }

    public boolean isActive() {
        return status == TaskStatus.RUNNING;
    }
}
