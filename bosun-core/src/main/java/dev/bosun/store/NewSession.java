package dev.bosun.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A session to insert. With no profile it is inserted RUNNING together with its
 * {@code session_started} event; with a profile it is inserted CREATING with a startup deadline.
 *
 * @param h1Start   β₁ of the tenant's fleet graph at the start, when routing is on (for {@code h1_delta})
 * @param scoutRoom the session's own tile domain, overriding the configured scout room
 * @param emitTiles the session's own choice to send tiles, overriding the configured one
 */
public record NewSession(
        String id,
        String tenant,
        String name,
        String agentId,
        List<String> tags,
        ObjectNode metadata,
        Optional<String> profile,
        String nodeId,
        Instant createdAt,
        Duration idleTimeout,
        Duration ttl,
        int maxTasks,
        Duration taskTimeout,
        Optional<Instant> startupDeadline,
        Optional<String> workspace,
        Optional<Long> h1Start,
        Optional<String> scoutRoom,
        Optional<Boolean> emitTiles) {

    public NewSession {
        tags = List.copyOf(tags);
    }

    /** A session whose tenant does not route through the fleet graph. */
    public NewSession(
            String id,
            String tenant,
            String name,
            String agentId,
            List<String> tags,
            ObjectNode metadata,
            Optional<String> profile,
            String nodeId,
            Instant createdAt,
            Duration idleTimeout,
            Duration ttl,
            int maxTasks,
            Duration taskTimeout,
            Optional<Instant> startupDeadline,
            Optional<String> workspace) {
        this(
                id,
                tenant,
                name,
                agentId,
                tags,
                metadata,
                profile,
                nodeId,
                createdAt,
                idleTimeout,
                ttl,
                maxTasks,
                taskTimeout,
                startupDeadline,
                workspace,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
