package dev.bosun.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.id.Ids;
import dev.bosun.json.Json;
import dev.bosun.wire.RegisterAgentCompat;
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
            Replies.json(ctx, 200, fleet.noAgent(tenant, taskId).toCompatJson()); // no agent at all
            return;
        }
        link.accept(plan);
        Replies.json(ctx, 200, plan.decision().toCompatJson());
    }

    /** {@code POST /register/agent}: 200 {@code {"status": "registered"}}, new or not; capabilities default to none. */
    void registerAgent(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), REGISTER_FIELDS);
        String id = b.requiredString("agent_id");
        fleet.register(Scope.tenant(ctx), id, b.strings("capabilities"));
        Replies.json(ctx, 200, Json.object().put("status", "registered"));
    }

    /** {@code GET /agents}: a bare array of {@code {agent_id, capabilities, n_tasks}}, in registration order. */
    void agents(Context ctx) {
        String tenant = Scope.tenant(ctx);
        Map<String, Integer> linked = fleet.linkedTasks(tenant);
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Agent a : fleet.agents(tenant)) {
            ObjectNode n = out.addObject();
            n.put("agent_id", a.id());
            n.set("capabilities", Json.MAPPER.valueToTree(a.capabilities()));
            n.put("n_tasks", linked.getOrDefault(a.id(), 0));
        }
        Replies.json(ctx, 200, out);
    }

    /**
     * {@code GET /status}, as the reference's {@code get_fleet_status}: all zeros and "empty" for an
     * empty graph, else its figures with its description words.
     */
    static ObjectNode status(FleetStatus s) {
        ObjectNode o = Json.object();
        boolean empty = s.vertices() == 0;
        o.put("n_agents", s.agents());
        o.put("n_tasks", s.tasks());
        o.put("n_edges", s.edges());
        o.put("n_vertices", s.vertices());
        o.put("h1_dimension", s.h1());
        o.put("n_components", s.components());
        o.put("description", description(s));
        o.put("emergence_detected", !empty && s.emergence());
        o.put("margin", empty ? 0 : s.margin());
        return o;
    }

    /** {@code GET /h1-snapshot}, as the reference's {@code get_h1_snapshot}: flat, with {@code h1_dimension}. */
    static ObjectNode snapshot(FleetStatus s) {
        ObjectNode o = Json.object();
        o.put("n_vertices", s.vertices());
        o.put("n_edges", s.edges());
        o.put("n_components", s.components());
        o.put("h1_dimension", s.h1());
        o.put("threshold", s.threshold());
        o.put("emergence", s.emergence());
        o.put("laman_rigid", s.lamanMargin() >= 0);
        o.put("laman_margin", s.lamanMargin());
        o.put("n_agents", s.agents());
        o.put("n_tasks", s.tasks());
        o.put("description", description(s));
        return o;
    }

    /** The reference's words: empty, over-constrained, rigid, under-constrained or laman-rigid. */
    static String description(FleetStatus s) {
        if (s.vertices() == 0) return "empty";
        if (s.lamanMargin() > 0) return s.h1() < s.vertices() - 2 ? "over-constrained" : "rigid";
        return s.lamanMargin() < 0 ? "under-constrained" : "laman-rigid";
    }
}
