package dev.bosun.fleet;

import java.time.Instant;
import java.util.List;

/**
 * A registered agent: what it can do, when it registered (ties go to the earlier one), and when it
 * was last seen (registered, updated, or one of its tasks completed).
 *
 * @param load running tasks routed to it (filled by the fleet; 0 when read from the store)
 */
public record Agent(
        String tenant,
        String id,
        List<String> capabilities,
        long registrationOrder,
        Instant registeredAt,
        Instant updatedAt,
        Instant lastSeenAt,
        int load) {
    public Agent {
        capabilities = List.copyOf(capabilities);
    }

    public Agent withLoad(int l) {
        return new Agent(tenant, id, capabilities, registrationOrder, registeredAt, updatedAt, lastSeenAt, l);
    }
}
