package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The body of {@code POST /v1/sessions}. Null fields are left out, so the server's defaults apply. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateSession(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @Nullable @JsonProperty(value = "tags") List<String> tags,
        @Nullable @JsonProperty(value = "metadata") ObjectNode metadata,
        @Nullable @JsonProperty(value = "profile") String profile,

        @Nullable @JsonProperty(value = "idle_timeout_seconds")
        Long idleTimeoutSeconds,

        @Nullable @JsonProperty(value = "ttl_seconds") Long ttlSeconds,
        @Nullable @JsonProperty(value = "max_tasks") Integer maxTasks,

        @Nullable @JsonProperty(value = "task_timeout_seconds")
        Long taskTimeoutSeconds,

        @Nullable @JsonProperty(value = "scout_room") String scoutRoom,
        @Nullable @JsonProperty(value = "emit_tiles") Boolean emitTiles,
        @Nullable @JsonProperty(value = "sandbox") ObjectNode sandbox) {

    /** A session named {@code name} for {@code agentId}, every option left to the server. */
    public static CreateSession of(String name, String agentId) {
        return new CreateSession(name, agentId, null, null, null, null, null, null, null, null, null, null);
    }

    public CreateSession withTags(List<String> v) {
        return new CreateSession(
                name,
                agentId,
                v,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withMetadata(ObjectNode v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                v,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    /** The worker profile; none for a session without a worker. */
    public CreateSession withProfile(String v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                v,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withIdleTimeoutSeconds(Long v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                v,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withTtlSeconds(Long v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                v,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withMaxTasks(Integer v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                v,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withTaskTimeoutSeconds(Long v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                v,
                scoutRoom,
                emitTiles,
                sandbox);
    }

    public CreateSession withScoutRoom(String v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                v,
                emitTiles,
                sandbox);
    }

    public CreateSession withEmitTiles(Boolean v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                v,
                sandbox);
    }

    /** What the worker's sandbox may use, within what its profile allows (docs/API.md, "Sandbox"). */
    public CreateSession withSandbox(ObjectNode v) {
        return new CreateSession(
                name,
                agentId,
                tags,
                metadata,
                profile,
                idleTimeoutSeconds,
                ttlSeconds,
                maxTasks,
                taskTimeoutSeconds,
                scoutRoom,
                emitTiles,
                v);
    }
}
