package dev.bosun.fleet;

import java.time.Instant;
import java.util.Optional;

/** An edge of the fleet graph: a task was routed to an agent. */
public record FleetEdge(
        String tenant, String agentId, String taskKey, Instant createdAt, Optional<Instant> taskEndedAt) {}
