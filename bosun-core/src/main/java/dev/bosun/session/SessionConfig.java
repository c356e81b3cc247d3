package dev.bosun.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;
import dev.bosun.sandbox.SandboxRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller asks for when starting a session: the holodeck {@code SessionConfig}, as an
 * immutable value built with {@link #builder(String, String)}. Timeouts and caps left unset take the
 * server's defaults; set ones are checked against the server's limits when the session starts.
 *
 * <pre>{@code
 * SessionConfig spec = SessionConfig.builder("constraint-theory-research", "oracle1")
 *         .tags("research", "h1")
 *         .idleTimeout(Duration.ofMinutes(10))
 *         .build();
 * Session s = manager.startSession(spec);
 * }</pre>
 */
public record SessionConfig(
        String name,
        String agentId,
        List<String> tags,
        ObjectNode metadata,
        Optional<String> profile,
        Optional<Duration> idleTimeout,
        Optional<Duration> ttl,
        Optional<Integer> maxTasks,
        Optional<Duration> taskTimeout,
        String tenant,
        Optional<String> scoutRoom,
        Optional<Boolean> emitTiles,
        SandboxRequest sandbox) {

    public static final String DEFAULT_TENANT = "default";

    public SessionConfig {
        tags = List.copyOf(tags);
        metadata = metadata.deepCopy();
        if (sandbox == null) sandbox = SandboxRequest.NONE;
    }

    public static Builder builder(String name, String agentId) {
        return new Builder(name, agentId);
    }

    /** Builder for {@link SessionConfig}; every setter is optional except name and agent id. */
    public static final class Builder {
        private final String name;
        private final String agentId;
        private final List<String> tags = new ArrayList<>();
        private ObjectNode metadata = Json.object();
        private String profile;
        private Duration idleTimeout;
        private Duration ttl;
        private Integer maxTasks;
        private Duration taskTimeout;
        private String tenant = DEFAULT_TENANT;
        private String scoutRoom;
        private Boolean emitTiles;
        private SandboxRequest sandbox = SandboxRequest.NONE;

        private Builder(String name, String agentId) {
            this.name = name;
            this.agentId = agentId;
        }

        public Builder tags(String... tags) {
            return tags(List.of(tags));
        }

        public Builder tags(List<String> tags) {
            this.tags.addAll(tags);
            return this;
        }

        public Builder metadata(ObjectNode metadata) {
            this.metadata = Objects.requireNonNull(metadata);
            return this;
        }

        /** The worker profile to start; none means a bookkeeping-only session. */
        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder ttl(Duration d) {
            this.ttl = d;
            return this;
        }

        public Builder maxTasks(int n) {
            this.maxTasks = n;
            return this;
        }

        public Builder taskTimeout(Duration d) {
            this.taskTimeout = d;
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** The PLATO room this session's tiles go to, instead of the configured {@code scout_room}. */
        public Builder scoutRoom(String room) {
            this.scoutRoom = room;
            return this;
        }

        /** Whether this session's tiles are sent to PLATO, instead of the configured {@code emit_tiles}. */
        public Builder emitTiles(boolean emit) {
            this.emitTiles = emit;
            return this;
        }

        /** What the session asks of its profile's sandbox: image, resources, network (checked by {@code SandboxPolicy}). */
        public Builder sandbox(SandboxRequest sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox);
            return this;
        }

        public SessionConfig build() {
            return new SessionConfig(
                    name,
                    agentId,
                    tags,
                    metadata,
                    Optional.ofNullable(profile),
                    Optional.ofNullable(idleTimeout),
                    Optional.ofNullable(ttl),
                    Optional.ofNullable(maxTasks),
                    Optional.ofNullable(taskTimeout),
                    tenant,
                    Optional.ofNullable(scoutRoom),
                    Optional.ofNullable(emitTiles),
                    sandbox);
        }
    }
}
