package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetEdge;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.id.Ids;
import dev.bosun.server.metrics.Metrics;
import dev.bosun.wire.FleetSnapshot;
import dev.bosun.wire.RegisterAgent;
import dev.bosun.wire.RouteRequest;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Fleet routing over HTTP: the agent registry, bare routing decisions, the graph's status and reset,
 * and the fleet-h1-router contract, under {@code /v1/fleet/…} and, with {@code fleet_compat_paths},
 * at its bare paths. Everything is the caller's tenant's: agents and graphs are per tenant.
 */
final class FleetRoutes {
    static final Set<String> REGISTER_FIELDS = WireFields.names(RegisterAgent.class);
    static final Set<String> ROUTE_FIELDS = WireFields.names(RouteRequest.class);
    /** The fleet-h1-router contract's own paths, served only with {@code fleet_compat_paths=true}. */
    static final List<String> COMPAT_PATHS = List.of("/route", "/status", "/h1-snapshot", "/register/agent", "/agents");

    private final SessionManager manager;
    private final Fleet fleet;
    private final Metrics metrics;
    private final Clock clock;

    FleetRoutes(SessionManager manager, Metrics metrics, Clock clock) {
        this.manager = manager;
        this.fleet = manager.fleet();
        this.metrics = metrics;
        this.clock = clock;
    }

    void register(RouteTable r) {
        r.post("/v1/agents", this::registerAgent);
        r.get(
                "/v1/agents",
                ctx -> Replies.json(ctx, 200, WireMapping.items(fleet.agents(Scope.tenant(ctx)), WireMapping::agent)));
        r.get(
                "/v1/agents/{agent_id}",
                ctx -> Replies.json(
                        ctx, 200, WireMapping.agent(fleet.agent(Scope.tenant(ctx), ctx.pathParam("agent_id")))));
        r.delete("/v1/agents/{agent_id}", ctx -> {
            fleet.unregister(Scope.tenant(ctx), ctx.pathParam("agent_id"));
            Replies.noContent(ctx);
        });
        r.post("/v1/route", this::route);
        r.get("/v1/fleet/status", ctx -> {
            var remote = fleet.remoteSync().map(sync -> WireMapping.routerSync(sync.status()));
            Replies.json(ctx, 200, WireMapping.fleetStatus(fleet.status(Scope.tenant(ctx)), remote));
        });
        r.post("/v1/fleet/reset", ctx -> {
            String tenant = Scope.tenant(ctx);
            fleet.reset(tenant);
            Replies.json(ctx, 200, WireMapping.fleetStatus(fleet.status(tenant), Optional.empty()));
        });

        // The fleet-h1-router contract. Its status keeps Bosun's shape under /v1 (the one /v1/fleet/status
        // above); the contract's own shape is served at the bare /status.
        r.post("/v1/fleet/route", this::route);
        r.get("/v1/fleet/h1-snapshot", ctx -> Replies.json(ctx, 200, snapshot(Scope.tenant(ctx))));
        r.post("/v1/fleet/register/agent", this::registerAgent);
        if (manager.config().routing().compatPaths()) {
            // The reference's own answers, field for field (CompatRoutes); only β₁ stays Bosun's true one.
            var compat = new CompatRoutes(fleet, this::link);
            r.post("/route", compat::route);
            r.get("/status", ctx -> Replies.json(ctx, 200, CompatRoutes.status(fleet.status(Scope.tenant(ctx)))));
            r.get(
                    "/h1-snapshot",
                    ctx -> Replies.json(ctx, 200, CompatRoutes.snapshot(fleet.status(Scope.tenant(ctx)))));
            r.post("/register/agent", compat::registerAgent);
            r.get("/agents", compat::agents);
        }
    }

    /** 201 for a new agent, 200 for an update of one already registered (its capabilities replaced). */
    private void registerAgent(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), REGISTER_FIELDS);
        String id = b.requiredString("agent_id");
        List<String> capabilities = b.requiredStrings("capabilities");
        String tenant = Scope.tenant(ctx);
        // Two first registrations racing may both be told 201; the registry itself stays right (an upsert).
        boolean known = registered(tenant, id);
        Agent a = fleet.register(tenant, id, capabilities);
        if (!known) ctx.header("Location", "/v1/agents/" + a.id());
        Replies.json(ctx, known ? 200 : 201, WireMapping.agent(a));
    }

    private boolean registered(String tenant, String id) {
        try {
            fleet.agent(tenant, id);
            return true;
        } catch (BosunException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
            return false;
        }
    }

    /**
     * A bare decision: the task is not a session's, so it adds to the graph but not to any agent's
     * load. The edge is persisted before the alert goes out, as for a session's task.
     */
    private void route(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), ROUTE_FIELDS);
        String taskId = Ids.requireSafe("task_id", b.requiredString("task_id"));
        List<String> required = b.requiredStrings("required_capabilities");
        List<String> prefer = b.strings("prefer_agents");
        boolean fallbackAny = b.string("fallback")
                .map(FleetRoutes::fallbackAny)
                .orElse(manager.config().routing().fallbackAny());
        String tenant = Scope.tenant(ctx);
        Fleet.Plan plan = fleet.route(tenant, taskId, taskId, Optional.empty(), required, prefer, fallbackAny);
        link(plan);
        Replies.json(ctx, 200, plan.decision().toWire());
    }

    /** Persists a bare decision's edge, then counts it and lets its alert go. */
    private void link(Fleet.Plan plan) {
        try {
            manager.store().addFleetEdge(plan.tenant(), plan.decision().agentId(), plan.taskKey(), clock.instant());
        } catch (RuntimeException e) {
            fleet.invalidate(
                    plan.tenant()); // the graph counted an edge that was not written: rebuild it from the store
            throw e;
        }
        metrics.routed(plan.decision());
        plan.alert().ifPresent(fleet::publish);
    }

    static boolean fallbackAny(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "error" -> false;
            case "any" -> true;
            default -> throw BosunException.invalid("fallback", "fallback = '" + value + "' is not one of error, any");
        };
    }

    /**
     * The graph in one compact answer. The status is read first because reading it moves the window
     * when due, so the edges read next are the same window (decisions made between the two reads can
     * still show in the edges only).
     */
    private FleetSnapshot snapshot(String tenant) {
        FleetStatus status = fleet.status(tenant);
        List<Agent> agents = fleet.agents(tenant);
        Instant now = clock.instant();
        List<FleetEdge> edges =
                manager.store().fleetEdges(tenant, now.minus(fleet.settings().window()));
        return WireMapping.snapshot(status, agents, edges, fleet.settings().window(), now);
    }
}
