package dev.bosun.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A session to insert. With no profile it is inserted RUNNING together with its
 * {@code session_started} event; with a profile it is inserted CREATING with a startup deadline.
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
        Optional<String> workspace) {

    public NewSession {
        tags = List.copyOf(tags);
    }
}
