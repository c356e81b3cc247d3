package dev.bosun.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.task.TaskPriority;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A task to add to a running session. Its deadline is {@code at} + the session's task timeout.
 *
 * @param routing the routing decision that chose {@code assignedAgent}: carried by {@code task_started},
 *                and its fleet edge is written in the same transaction as the task
 */
public record NewTask(
        String sessionId,
        String taskId,
        String name,
        JsonNode data,
        TaskPriority priority,
        List<String> requiredCapabilities,
        Optional<String> assignedAgent,
        Instant at,
        Optional<dev.bosun.fleet.RoutingDecision> routing) {
    public NewTask {
        requiredCapabilities = List.copyOf(requiredCapabilities);
    }

    public NewTask(
            String sessionId,
            String taskId,
            String name,
            JsonNode data,
            TaskPriority priority,
            List<String> requiredCapabilities,
            Optional<String> assignedAgent,
            Instant at) {
        this(sessionId, taskId, name, data, priority, requiredCapabilities, assignedAgent, at, Optional.empty());
    }
}
