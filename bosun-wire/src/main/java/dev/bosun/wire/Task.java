package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A task of a session. Every property is always sent; absent values are null. */
public record Task(
        @JsonProperty(value = "task_id", required = true) String taskId,
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "data", required = true) JsonNode data,
        @JsonProperty(value = "priority", required = true) TaskPriority priority,

        @JsonProperty(value = "required_capabilities", required = true)
        List<String> requiredCapabilities,

        @Nullable @JsonProperty(value = "assigned_agent", required = true)
        String assignedAgent,

        @JsonProperty(value = "status", required = true) TaskStatus status,
        @JsonProperty(value = "created_at", required = true) Instant createdAt,
        @JsonProperty(value = "started_at", required = true) Instant startedAt,

        @Nullable @JsonProperty(value = "ended_at", required = true)
        Instant endedAt,

        @JsonProperty(value = "deadline_at", required = true)
        Instant deadlineAt,

        @Nullable @JsonProperty(value = "duration_ms", required = true)
        Long durationMs,

        @JsonProperty(value = "result", required = true) JsonNode result,

        @Nullable @JsonProperty(value = "error", required = true)
        String error) {}
