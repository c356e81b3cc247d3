package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** A session as the server reports it. Every property is always sent; absent values are null. */
public record Session(
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @JsonProperty(value = "tags", required = true) List<String> tags,
        @JsonProperty(value = "metadata", required = true) ObjectNode metadata,

        @Nullable @JsonProperty(value = "profile", required = true)
        String profile,

        @JsonProperty(value = "status", required = true) SessionStatus status,

        @Nullable @JsonProperty(value = "outcome", required = true)
        SessionOutcome outcome,

        @Nullable @JsonProperty(value = "reason", required = true)
        EndReason reason,

        @Nullable @JsonProperty(value = "error", required = true)
        String error,

        @Nullable @JsonProperty(value = "exit_code", required = true)
        Integer exitCode,

        @JsonProperty(value = "created_at", required = true) Instant createdAt,

        @Nullable @JsonProperty(value = "started_at", required = true)
        Instant startedAt,

        @Nullable @JsonProperty(value = "ended_at", required = true)
        Instant endedAt,

        @JsonProperty(value = "last_activity_at", required = true)
        Instant lastActivityAt,

        @JsonProperty(value = "expires_at", required = true) Instant expiresAt,

        @JsonProperty(value = "idle_timeout_seconds", required = true)
        long idleTimeoutSeconds,

        @JsonProperty(value = "ttl_seconds", required = true)
        long ttlSeconds,

        @JsonProperty(value = "max_tasks", required = true) int maxTasks,

        @JsonProperty(value = "task_timeout_seconds", required = true)
        long taskTimeoutSeconds,

        @Nullable @JsonProperty(value = "workspace", required = true)
        String workspace,

        @JsonProperty(value = "duration_seconds", required = true)
        double durationSeconds,

        @JsonProperty(value = "last_seq", required = true) long lastSeq,
        @JsonProperty(value = "tasks", required = true) TaskCounts tasks,

        @Nullable @JsonProperty(value = "scout_room", required = true)
        String scoutRoom,

        @Nullable @JsonProperty(value = "emit_tiles", required = true)
        Boolean emitTiles,

        @JsonProperty(value = "patterns", required = true) List<String> patterns) {}
