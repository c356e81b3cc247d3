package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.id.Ids;
import dev.bosun.wire.AgentCompat;
import dev.bosun.wire.FleetStatusCompat;
import dev.bosun.wire.H1SnapshotCompat;
import dev.bosun.wire.RegisterAgentCompat;
import dev.bosun.wire.RegisteredCompat;
import dev.bosun.wire.RouteRequestCompat;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The fleet-h1-router's bare paths ({@code fleet_compat_paths=true}), answering as the reference
 * fleet-h1-router 0.1.0 does: its fields, types, statuses, fallback to any agent and tie-breaking by
 * the tasks linked to each agent. The one difference is β₁, which is Bosun's true E − V + C where the
 * reference fixes C at 1. Under {@code /v1} Bosun's own shapes and rules stay (FleetRoutes).
 */
final class CompatRoutes {
    static final Set<String> ROUTE_FIELDS = WireFields.names(RouteRequestCompat.class);
    static final Set<String> REGISTER_FIELDS = WireFields.names(RegisterAgentCompat.class);
    private final Fleet fleet;
    private final Consumer<Fleet.Plan> link;

    CompatRoutes(Fleet fleet, Consumer<Fleet.Plan> link) {
        this.fleet = fleet;
        this.link = link;
    }

    /**
     * {@code POST /route}: {@code required_capabilities} may be left out (the reference reads it with a
     * default of none); with no capable agent any agent is considered, and with no agent at all the
     * answer is the reference's 200 with {@code agent_id ""} and confidence 0.0. Bosun's
     * {@code prefer_agents} and {@code fallback} are honoured when given.
     */
    void route(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), ROUTE_FIELDS);
        String taskId = Ids.requireSafe("task_id", b.requiredString("task_id"));
        List<String> required = b.strings("required_capabilities");
        List<String> prefer = b.strings("prefer_agents");
        boolean fallbackAny = b.string("fallback").map(FleetRoutes::fallbackAny).orElse(true);
        String tenant = Scope.tenant(ctx);
        Fleet.Plan plan;
        try {
            plan = fleet.route(
                    tenant, taskId, taskId, Optional.empty(), required, prefer, fallbackAny, Fleet.Rule.REFERENCE);
        } catch (BosunException e) {
            if (e.code() != ErrorCode.NO_CAPABLE_AGENT || !fallbackAny) throw e;
            Replies.json(ctx, 200, fleet.noAgent(tenant, taskId).toCompatWire()); // no agent at all
            return;
        }
        link.accept(plan);
        Replies.json(ctx, 200, plan.decision().toCompatWire());
    }

    /** {@code POST /register/agent}: 200 {@code {"status": "registered"}}, new or not; capabilities default to none. */
    void registerAgent(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), REGISTER_FIELDS);
        String id = b.requiredString("agent_id");
        fleet.register(Scope.tenant(ctx), id, b.strings("capabilities"));
        Replies.json(ctx, 200, new RegisteredCompat("registered"));
    }

    /** {@code GET /agents}: a bare array of {@code {agent_id, capabilities, n_tasks}}, in registration order. */
    void agents(Context ctx) {
        String tenant = Scope.tenant(ctx);
        Map<String, Integer> linked = fleet.linkedTasks(tenant);
        List<AgentCompat> out = fleet.agents(tenant).stream()
                .map(a -> new AgentCompat(a.id(), a.capabilities(), linked.getOrDefault(a.id(), 0)))
                .toList();
        Replies.json(ctx, 200, out);
    }

    /**
     * {@code GET /status}, as the reference's {@code get_fleet_status}: all zeros and "empty" for an
     * empty graph, else its figures with its description words.
     */
    static FleetStatusCompat status(FleetStatus s) {
        boolean empty = s.vertices() == 0;
        return WireMapping.fleetStatusCompat(s, description(s), !empty && s.emergence(), empty ? 0 : s.margin());
    }

    /** {@code GET /h1-snapshot}, as the reference's {@code get_h1_snapshot}: flat, with {@code h1_dimension}. */
    static H1SnapshotCompat snapshot(FleetStatus s) {
        return new H1SnapshotCompat(
                s.vertices(),
                s.edges(),
                s.components(),
                s.h1(),
                s.threshold(),
                s.emergence(),
                s.lamanMargin() >= 0,
                s.lamanMargin(),
                s.agents(),
                s.tasks(),
                description(s));
    }

    /** The reference's words: empty, over-constrained, rigid, under-constrained or laman-rigid. */
    static String description(FleetStatus s) {
        if (s.vertices() == 0) return "empty";
        if (s.lamanMargin() > 0) return s.h1() < s.vertices() - 2 ? "over-constrained" : "rigid";
        return s.lamanMargin() < 0 ? "under-constrained" : "laman-rigid";
    }
}
