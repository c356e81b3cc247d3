package dev.bosun.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The fleet's durable state: the agent registry and the routing graph, per tenant. It lives beside
 * {@link Fleet} and {@link RouterSync}, its readers, so the fleet depends on this interface and the store
 * depends on the fleet, never both ways ({@code Store} extends it; every method is one transaction
 * like the rest of the store).
 */
public interface FleetStore {

    /** Registers an agent or replaces its capabilities; keeps its registration order. */
    Agent upsertAgent(String tenant, String agentId, List<String> capabilities, Instant at);

    /** Removes an agent; its edges stay in the graph until the window drops them. False if unknown. */
    boolean deleteAgent(String tenant, String agentId);

    /** The tenant's agents in registration order. */
    List<Agent> listAgents(String tenant);

    /**
     * Records an edge; if it existed, it becomes live again (its task was linked anew). Returns false
     * if it existed. Task keys are task ids, shared by the tenant's sessions: a task id that recurs
     * (the same kind of work in session after session) is one vertex, which is what gives the graph
     * its cycles.
     */
    boolean addFleetEdge(String tenant, String agentId, String taskKey, Instant at);

    /** Edges whose task has not ended, or ended at or after {@code endedSince}. */
    List<FleetEdge> fleetEdges(String tenant, Instant endedSince);

    /**
     * Deletes edges whose task ended before {@code cutoff}; returns the deleted edges, so a router's
     * in-memory graph can drop exactly those without reading the window again.
     */
    List<FleetEdge> pruneFleetEdges(String tenant, Instant cutoff);

    /** Deletes every edge of the tenant (the registry stays). */
    void resetFleet(String tenant);

    /** Running tasks per assigned agent, over the tenant's live sessions. */
    Map<String, Integer> agentLoads(String tenant);

    /** Tenants that have agents or edges. */
    List<String> fleetTenants();
}
