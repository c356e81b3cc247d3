package dev.bosun.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.task.TaskPriority;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A task to add to a running session. Its deadline is {@code at} + the session's task timeout. */
public record NewTask(String sessionId, String taskId, String name, JsonNode data, TaskPriority priority,
                      List<String> requiredCapabilities, Optional<String> assignedAgent, Instant at) {
    public NewTask {
        requiredCapabilities = List.copyOf(requiredCapabilities);
    }
}
