package dev.bosun.fleet;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.id.Ids;
import dev.bosun.trace.Tracing;
import dev.bosun.util.Validation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in H¹ router: a registry of agents and, per tenant, the agent–task graph whose first
 * Betti number guides routing. The store holds the truth (agents, edges); this class keeps each
 * tenant's graph in memory as a cache that is updated at decision time and rebuilt from the store
 * when in doubt (a failed write, the window moving, a restart).
 *
 * <p>A decision picks, among the capable agents, the one whose link to the task raises β₁ least,
 * then the least loaded, then the earliest registered. Decisions of one tenant are serialized; the
 * caller persists each planned edge (with its task, in one transaction) and reports failures with
 * {@link #invalidate}.
 */
public final class Fleet {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    public static final int MAX_CAPABILITIES = 256;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    /** Settings of the built-in router. */
    public record Settings(int emergenceOffset, double minConfidence, Duration window) {}

    private final FleetStore store;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, TenantGraph> tenants = new ConcurrentHashMap<>();
    private final List<Consumer<EmergenceAlert>> alertListeners = new CopyOnWriteArrayList<>();
    private final Optional<RemoteRouter> remote;
    private final Optional<RouterSync> sync;
    private final String remoteName;
    private final boolean fallbackLocal;

    /** Which rule chooses among the candidates of a local decision. */
    public enum Rule {
        /** Bosun's: the least rise of true β₁, then the fewest running session tasks, then the first registered. */
        BOSUN,
        /**
         * The reference fleet-h1-router's, for its bare {@code POST /route}: an agent already linked to the
         * task first (the only difference its β₁, with C fixed at 1, can see), then the fewest tasks linked
         * to the agent in the graph (its {@code n_tasks}, which every decision raises), then the first registered.
         */
        REFERENCE
    }

    public Fleet(FleetStore store, Clock clock, Settings settings) {
        this(store, clock, settings, Optional.empty(), false);
    }

    /**
     * @param remote        a fleet-h1-router that makes the decisions instead of the built-in rule
     * @param fallbackLocal when the remote router is unavailable, decide locally (with a warning)
     */
    public Fleet(
            FleetStore store, Clock clock, Settings settings, Optional<RemoteRouter> remote, boolean fallbackLocal) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.remote = remote;
        this.sync = remote.map(r -> new RouterSync(r, store, clock));
        this.remoteName = remote.map(r -> r instanceof HttpRemoteRouter h ? h.origin() : "the remote router")
                .orElse("");
        this.fallbackLocal = fallbackLocal;
    }

    public Optional<RemoteRouter> remote() {
        return remote;
    }

    /** Keeps the remote router's registry in step with Bosun's, when there is a remote router. */
    public Optional<RouterSync> remoteSync() {
        return sync;
    }

    public Settings settings() {
        return settings;
    }

    /** Told after each crossing into emergence (metrics, callbacks); the session's event is the caller's. */
    public void onEmergenceAlert(Consumer<EmergenceAlert> listener) {
        alertListeners.add(listener);
    }

    // ---- the registry ----

    /**
     * Registers an agent or replaces its capabilities, then forwards the registration to the remote
     * router, if there is one.
     *
     * <p>The registry is Bosun's own: a remote router that is down, or refuses the agent, does not undo
     * or fail the registration (whatever {@code router_fallback} says, which is about routing). It is
     * logged as a warning, and {@link RouterSync} registers the agent with the router once it answers.
     */
    public Agent register(String tenant, String agentId, List<String> capabilities) {
        Ids.requireSafe("agent_id", agentId);
        List<String> caps = capabilities("capabilities", capabilities);
        Agent a = store.upsertAgent(tenant, agentId, caps, clock.instant());
        TenantGraph g = graph(tenant);
        int load;
        synchronized (g) {
            g.graph.putAgent(a);
            load = g.graph.load(agentId);
        }
        sync.ifPresent(r -> r.registered(tenant, agentId, caps));
        return a.withLoad(load);
    }

    /** Removes an agent from routing; its edges stay until the window drops them. NOT_FOUND if unknown. */
    public void unregister(String tenant, String agentId) {
        if (!Ids.isSafe(agentId) || !store.deleteAgent(tenant, agentId))
            throw BosunException.notFound("agent", agentId);
        TenantGraph g = graph(tenant);
        synchronized (g) {
            g.graph.removeAgent(agentId);
        }
    }

    /** The tenant's agents in registration order, with their current load. */
    public List<Agent> agents(String tenant) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            return List.copyOf(g.graph.agents());
        }
    }

    /**
     * Tasks linked to each agent in the tenant's graph (the window's edges): what the reference
     * router calls an agent's {@code n_tasks}. Agents without edges are absent.
     */
    public Map<String, Integer> linkedTasks(String tenant) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            return Map.copyOf(g.graph.linkedTasks());
        }
    }

    public Agent agent(String tenant, String agentId) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            Agent a = g.graph.agent(agentId);
            if (a == null) throw BosunException.notFound("agent", agentId);
            return a;
        }
    }

    // ---- routing ----

    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("bosun.task.id");
    private static final AttributeKey<String> RULE = AttributeKey.stringKey("bosun.fleet.rule");

    /**
     * A decision already applied to the in-memory graph; the caller persists its edge and calls
     * {@link #invalidate} if that fails.
     */
    public record Plan(String tenant, String taskKey, RoutingDecision decision, Optional<EmergenceAlert> alert) {}

    /**
     * Routes a task: validates, decides, links the task to the chosen agent in the graph (so the next
     * decision sees it) and counts it against the agent's load.
     *
     * @param taskKey    the task's vertex: its task id (shared across the tenant's sessions)
     * @param prefer     agents to prefer among the capable ones (a soft preference)
     * @param fallbackAny when no agent has every required capability, consider every agent
     */
    public Plan route(
            String tenant,
            String taskKey,
            String taskId,
            Optional<String> sessionId,
            List<String> required,
            List<String> prefer,
            boolean fallbackAny) {
        return route(tenant, taskKey, taskId, sessionId, required, prefer, fallbackAny, Rule.BOSUN);
    }

    /**
     * Routes a task as {@link #route(String, String, String, Optional, List, List, boolean)} does, with
     * {@code rule} choosing among the candidates when Bosun decides locally. Whoever decides, the
     * decision carries Bosun's true β₁; a remote router's choice is checked against Bosun's registry,
     * capabilities, {@code prefer} and {@code fallbackAny}, and its own figures kept under {@code router}.
     */
    public Plan route(
            String tenant,
            String taskKey,
            String taskId,
            Optional<String> sessionId,
            List<String> required,
            List<String> prefer,
            boolean fallbackAny,
            Rule rule) {
        // Without a tracer the span's attributes and current context cost a third of a decision, for nothing.
        if (!Tracing.enabled()) return plan(tenant, taskKey, taskId, sessionId, required, prefer, fallbackAny, rule);
        return Tracing.call(
                "fleet route",
                SpanKind.INTERNAL,
                Attributes.of(
                        Tracing.TENANT,
                        tenant,
                        TASK_ID,
                        taskId,
                        RULE,
                        rule.name().toLowerCase(Locale.ROOT)),
                () -> plan(tenant, taskKey, taskId, sessionId, required, prefer, fallbackAny, rule),
                Fleet::traced);
    }

    /** The decision on the routing span: who got the task, β₁ before and after, and whether a remote router chose. */
    private static void traced(Span span, Plan p) {
        RoutingDecision d = p.decision();
        span.setAttribute("bosun.agent.id", d.agentId());
        span.setAttribute("bosun.fleet.h1_before", d.h1Before());
        span.setAttribute("bosun.fleet.h1_after", d.h1After());
        span.setAttribute("bosun.fleet.remote", d.router().isPresent());
        span.setAttribute("bosun.fleet.emergence_alert", p.alert().isPresent());
    }

    private Plan plan(
            String tenant,
            String taskKey,
            String taskId,
            Optional<String> sessionId,
            List<String> required,
            List<String> prefer,
            boolean fallbackAny,
            Rule rule) {
        // Not copied: the decision keeps only their count and first name (its reasoning), and errors are thrown now.
        List<String> req = Validation.capabilitiesAsGiven("required_capabilities", required, MAX_CAPABILITIES);
        for (int i = 0; i < prefer.size(); i++) Ids.requireSafe("prefer_agents[" + i + "]", prefer.get(i));
        TenantGraph g = graph(tenant);
        synchronized (g) {
            maybePrune(tenant, g);
            // Bosun's rules come first: a task no agent of the tenant may take is refused before anyone is asked.
            selectCandidates(g, taskId, req, prefer, fallbackAny);
            RoutingDecision d = remote.isPresent()
                    ? decideRemotely(g, taskKey, taskId, req, rule)
                    : decide(g, taskKey, taskId, req, rule);
            g.graph.link(d.agentId(), taskKey);
            // Load is running session tasks; a bare route (the fleet-h1-router contract) is a decision only.
            if (sessionId.isPresent()) g.graph.addLoad(d.agentId(), 1);
            Optional<EmergenceAlert> alert = Optional.empty();
            long v = g.graph.vertexCount();
            if (g.emergence.crossed(g.graph.h1(), v)) {
                alert = Optional.of(new EmergenceAlert(
                        tenant,
                        g.graph.h1(),
                        g.emergence.threshold(v),
                        v,
                        g.graph.edgeCount(),
                        d.agentId(),
                        taskId,
                        sessionId,
                        clock.instant()));
            }
            return new Plan(tenant, taskKey, d, alert);
        }
    }

    /** Tells listeners about an alert once its plan has been persisted. */
    public void publish(EmergenceAlert alert) {
        log.warn(
                "{} in tenant {} routing task {} to {}",
                alert.headline(settings.emergenceOffset()),
                alert.tenant(),
                alert.taskId(),
                alert.agentId());
        for (var l : alertListeners) {
            try {
                l.accept(alert);
            } catch (RuntimeException e) {
                log.warn("emergence alert listener failed", e);
            }
        }
    }

    /**
     * Bosun's rules: the capable agents (every agent with {@code fallbackAny}), narrowed to the preferred
     * among them, into the graph's candidate buffer; NO_CAPABLE_AGENT when there are none.
     */
    private static void selectCandidates(
            TenantGraph g, String taskId, List<String> required, List<String> prefer, boolean fallbackAny) {
        switch (g.graph.selectCandidates(required, prefer, fallbackAny)) {
            case NO_AGENTS ->
                throw new BosunException(
                        ErrorCode.NO_CAPABLE_AGENT,
                        "no agents are registered to take task '" + taskId + "'",
                        Map.of("task_id", taskId));
            case NONE_CAPABLE ->
                throw new BosunException(
                        ErrorCode.NO_CAPABLE_AGENT,
                        "no registered agent has all of " + String.join(", ", required) + " for task '" + taskId
                                + "' (route with fallback=any to use any agent)",
                        Map.of("task_id", taskId, "required_capabilities", required));
            case FOUND -> {}
        }
    }

    /**
     * Asks the remote router, then holds its answer to Bosun's rules: an agent outside the candidates
     * (unknown to the tenant, lacking a capability, not among the preferred, or none at all) is refused,
     * or re-decided by the built-in router with {@code router_fallback=local}; the reasoning says which.
     */
    private RoutingDecision decideRemotely(TenantGraph g, String taskKey, String taskId, List<String> req, Rule rule) {
        sync.ifPresent(RouterSync::checkIfSuspect);
        RemoteDecision r;
        try {
            r = remote.get().route(taskId, req);
        } catch (BosunException e) {
            if (!fallbackLocal || (e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.INVALID_ARGUMENT))
                throw e;
            log.warn("routing task {} with the built-in router: {}", taskId, e.getMessage());
            // The decision travels in the task's events, so whoever reads them sees why the remote did not decide.
            return prefixed(
                    decide(g, taskKey, taskId, req, rule),
                    "The remote router could not decide (" + e.getMessage() + "), so the built-in router did. ",
                    Optional.empty());
        }
        Optional<Broken> broken = judge(g, r, req);
        if (broken.isEmpty()) {
            Agent chosen = g.graph.agent(r.agentId());
            String why = "The remote router at " + remoteName + " chose " + chosen.id() + " (its reasoning: "
                    + r.reasoning() + "; its own β₁ " + r.h1Before() + " → " + r.h1After()
                    + ", with C fixed at 1); in Bosun's graph ";
            return figures(g, taskKey, taskId, chosen.id(), why, null, Optional.of(r));
        }
        Broken b = broken.get();
        if (b.reason() != Broken.Reason.NOT_PREFERRED) sync.ifPresent(RouterSync::suspect); // the registries may differ
        String what = "the remote router at " + remoteName + " "
                + (r.noAgent() ? "chose no agent" : "chose " + r.agentId()) + ", which " + b.why();
        if (!fallbackLocal) {
            throw new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "routing task '" + taskId + "': " + what + "; Bosun refused the decision (router_fallback=none)",
                    Map.of(
                            "router_url",
                            remoteName,
                            "reason",
                            b.reason().wire(),
                            "router_agent_id",
                            r.agentId(),
                            "task_id",
                            taskId));
        }
        log.warn("routing task {} with the built-in router: {}", taskId, what);
        return prefixed(
                decide(g, taskKey, taskId, req, rule),
                "Bosun refused the remote router's decision: " + what
                        + ", so the built-in router decided (router_fallback=local). ",
                Optional.of(r));
    }

    /** Why a remote router's answer breaks Bosun's rules. */
    private record Broken(Reason reason, String why) {
        enum Reason {
            NO_AGENT,
            UNKNOWN_AGENT,
            NOT_CAPABLE,
            NOT_PREFERRED;

            String wire() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    private static Optional<Broken> judge(TenantGraph g, RemoteDecision r, List<String> req) {
        if (r.noAgent()) return Optional.of(new Broken(Broken.Reason.NO_AGENT, "means it knows no agent at all"));
        Agent a = g.graph.agent(r.agentId());
        if (a == null)
            return Optional.of(new Broken(Broken.Reason.UNKNOWN_AGENT, "is not an agent registered with Bosun"));
        if (g.graph.isCandidate(a.id())) return Optional.empty();
        List<String> lacking =
                req.stream().filter(x -> !a.capabilities().contains(x)).toList();
        if (!g.graph.fellBack() && !lacking.isEmpty()) {
            return Optional.of(new Broken(
                    Broken.Reason.NOT_CAPABLE,
                    "lacks " + String.join(", ", lacking)
                            + " while agents that have every required capability are registered"));
        }
        return Optional.of(new Broken(
                Broken.Reason.NOT_PREFERRED, "is not among prefer_agents while a preferred agent could take it"));
    }

    private static RoutingDecision prefixed(RoutingDecision d, String prefix, Optional<RemoteDecision> router) {
        return new RoutingDecision(
                d.agentId(),
                d.taskId(),
                d.h1Before(),
                d.h1After(),
                d.confidence(),
                d.emergenceRisk(),
                d.capabilityMatchScore(),
                prefix + d.reasoning(),
                router);
    }

    private RoutingDecision decide(TenantGraph g, String taskKey, String taskId, List<String> required, Rule rule) {
        FleetGraph fg = g.graph;
        String best = fg.choose(taskKey, rule == Rule.BOSUN); // registration order: the first of equals wins
        var choice = new DecisionReasoning.Choice(
                taskId,
                best,
                required.size(),
                required.isEmpty() ? null : required.get(0),
                fg.fellBack(),
                fg.preferred(),
                fg.candidateCount(),
                fg.ties(),
                rule == Rule.BOSUN,
                fg.bestCounter());
        return figures(g, taskKey, taskId, best, "", choice, Optional.empty());
    }

    /**
     * Bosun's figures for linking {@code chosen} to the task, on the tenant's graph with the true β₁; the
     * reasoning (after {@code prefix}, and {@code choice} when the built-in rule chose) is written when read.
     */
    private RoutingDecision figures(
            TenantGraph g,
            String taskKey,
            String taskId,
            String chosen,
            String prefix,
            DecisionReasoning.Choice choice,
            Optional<RemoteDecision> router) {
        long before = g.graph.h1();
        long after = g.graph.h1IfLinked(chosen, taskKey);
        long vAfter = g.graph.vertexCountIfLinked(taskKey);
        long threshold = g.emergence.threshold(vAfter);
        long margin = after - threshold;
        double risk = Emergence.risk(margin);
        double match = g.graph.match(chosen);
        double confidence = Math.max(settings.minConfidence(), Math.min(1.0, match * (1 - risk)));
        var why = new DecisionReasoning(prefix, choice, match, before, after, threshold, margin, risk);
        return new RoutingDecision(chosen, taskId, before, after, round(confidence), risk, round(match), why, router);
    }

    private static double round(double d) {
        if (d == 1.0 || d == 0.0) return d; // most decisions: a full match and no risk
        return Math.round(d * 1000) / 1000.0;
    }

    /**
     * The reference router's answer when it has no agent at all: {@code agent_id ""}, confidence 0.0,
     * β₁ unchanged (here the tenant's true β₁). Links nothing.
     */
    public RoutingDecision noAgent(String tenant, String taskId) {
        long h1 = h1(tenant);
        return new RoutingDecision("", taskId, h1, h1, 0.0, 0.0, 1.0, "No agents available");
    }

    /** Drops the tenant's cached graph: the next use rebuilds it from the store. */
    public void invalidate(String tenant) {
        tenants.remove(tenant);
    }

    /** A task routed to an agent ended: the agent's load drops (the store marks the edge ended). */
    public void taskEnded(String tenant, String agentId) {
        TenantGraph g = tenants.get(tenant);
        if (g == null) return;
        synchronized (g) {
            g.graph.addLoad(agentId, -1);
        }
    }

    /** Deletes every edge of the tenant; agents stay registered (as isolated vertices). */
    public void reset(String tenant) {
        store.resetFleet(tenant);
        invalidate(tenant);
    }

    /** β₁ of the tenant's graph now. */
    public long h1(String tenant) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            return g.graph.h1();
        }
    }

    public FleetStatus status(String tenant) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            maybePrune(tenant, g);
            FleetGraph gr = g.graph;
            long v = gr.vertexCount();
            long threshold = g.emergence.threshold(v);
            boolean emergent = g.emergence.emergent(gr.h1(), v);
            int tasks = gr.taskCount();
            String description = String.format(
                    Locale.ROOT,
                    "%d agents, %d tasks, %d edges in %d component%s: β₁ = %d%s; " + "Laman margin %d (%s)",
                    gr.agentCount(),
                    tasks,
                    gr.edgeCount(),
                    gr.componentCount(),
                    gr.componentCount() == 1 ? "" : "s",
                    gr.h1(),
                    emergent
                            ? ", above the emergence threshold of " + threshold
                            : ", at or below the emergence threshold of " + threshold,
                    gr.lamanMargin(),
                    gr.lamanMargin() >= 0 ? "E ≥ 2V − 3" : "E < 2V − 3");
            return new FleetStatus(
                    gr.agentCount(),
                    tasks,
                    gr.edgeCount(),
                    (int) v,
                    gr.h1(),
                    gr.componentCount(),
                    threshold,
                    gr.h1() - threshold,
                    emergent,
                    gr.lamanMargin(),
                    description);
        }
    }

    // ---- the per-tenant cache ----

    private static final class TenantGraph {
        final Emergence emergence;
        FleetGraph graph = new FleetGraph();
        long pruneDueMillis; // a minute after the last prune: one comparison per decision, no Instant

        TenantGraph(Emergence emergence) {
            this.emergence = emergence;
        }
    }

    private TenantGraph graph(String tenant) {
        TenantGraph known = tenants.get(tenant); // computeIfAbsent locks its bin even when the key is there
        if (known != null) return known;
        return tenants.computeIfAbsent(tenant, t -> {
            var g = new TenantGraph(new Emergence(settings.emergenceOffset()));
            fill(t, g);
            // A graph rebuilt above the threshold alerted when it crossed; only a new crossing alerts.
            g.emergence.crossed(g.graph.h1(), g.graph.vertexCount());
            return g;
        });
    }

    /** (Re)loads a tenant's registry, window of edges and loads from the store into {@code g}. */
    private void fill(String tenant, TenantGraph g) {
        var graph = new FleetGraph();
        for (Agent a : store.listAgents(tenant)) graph.putAgent(a);
        // Unregistered agents that still have edges in the window stay vertices until the window drops them.
        for (FleetEdge e : store.fleetEdges(tenant, clock.instant().minus(settings.window())))
            graph.link(e.agentId(), e.taskKey());
        graph.setLoads(store.agentLoads(tenant));
        g.graph = graph;
        g.pruneDueMillis = clock.millis() + PRUNE_EVERY.toMillis();
    }

    /**
     * Once a minute per tenant: edges of tasks that ended before the window go from the store, and
     * exactly those from the in-memory graph (no reload).
     */
    private void maybePrune(String tenant, TenantGraph g) {
        if (clock.millis() < g.pruneDueMillis) return;
        Instant now = clock.instant();
        g.pruneDueMillis = now.toEpochMilli() + PRUNE_EVERY.toMillis();
        List<FleetEdge> dropped = store.pruneFleetEdges(tenant, now.minus(settings.window()));
        if (!dropped.isEmpty()) g.graph.unlink(dropped);
    }

    static List<String> capabilities(String field, List<String> caps) {
        return Validation.capabilities(field, caps, MAX_CAPABILITIES);
    }
}
