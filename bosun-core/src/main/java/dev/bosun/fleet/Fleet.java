package dev.bosun.fleet;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.id.Ids;
import dev.bosun.session.Validation;
import dev.bosun.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    private final Store store;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, TenantGraph> tenants = new ConcurrentHashMap<>();
    private final List<Consumer<EmergenceAlert>> alertListeners = new CopyOnWriteArrayList<>();
    private final Optional<RemoteRouter> remote;
    private final boolean fallbackLocal;

    public Fleet(Store store, Clock clock, Settings settings) {
        this(store, clock, settings, Optional.empty(), false);
    }

    /**
     * @param remote        a fleet-h1-router that makes the decisions instead of the built-in rule
     * @param fallbackLocal when the remote router is unavailable, decide locally (with a warning)
     */
    public Fleet(Store store, Clock clock, Settings settings, Optional<RemoteRouter> remote, boolean fallbackLocal) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.remote = remote;
        this.fallbackLocal = fallbackLocal;
    }

    public Optional<RemoteRouter> remote() { return remote; }

    public Settings settings() { return settings; }

    /** Told after each crossing into emergence (metrics, callbacks); the session's event is the caller's. */
    public void onEmergenceAlert(Consumer<EmergenceAlert> listener) { alertListeners.add(listener); }

    // ---- the registry ----

    /**
     * Registers an agent or replaces its capabilities, then forwards the registration to the remote
     * router, if there is one.
     *
     * <p>The registry is Bosun's own: a remote router that is down, or refuses the agent, does not undo
     * or fail the registration (whatever {@code router_fallback} says, which is about routing). It is
     * logged as a warning, and the remote router does not know the agent until it is registered again.
     */
    public Agent register(String tenant, String agentId, List<String> capabilities) {
        Ids.requireSafe("agent_id", agentId);
        List<String> caps = capabilities("capabilities", capabilities);
        Agent a = store.upsertAgent(tenant, agentId, caps, clock.instant());
        TenantGraph g = graph(tenant);
        int load;
        synchronized (g) {
            g.agents.put(agentId, a);
            if (!g.graph.hasVertex(agentVertex(agentId))) {
                g.graph.addVertex(agentVertex(agentId));
                g.agentVertices++;
            }
            load = g.load(agentId);
        }
        remote.ifPresent(r -> forward(r, tenant, agentId, caps));
        return a.withLoad(load);
    }

    private static void forward(RemoteRouter r, String tenant, String agentId, List<String> caps) {
        try {
            r.registerAgent(agentId, caps);
        } catch (BosunException e) {
            log.warn("agent {} of tenant {} is registered, but not with the remote router: {}", agentId, tenant,
                    e.getMessage());
        }
    }

    /** Removes an agent from routing; its edges stay until the window drops them. NOT_FOUND if unknown. */
    public void unregister(String tenant, String agentId) {
        if (!Ids.isSafe(agentId) || !store.deleteAgent(tenant, agentId)) throw BosunException.notFound("agent", agentId);
        TenantGraph g = graph(tenant);
        synchronized (g) {
            g.agents.remove(agentId);
        }
    }

    /** The tenant's agents in registration order, with their current load. */
    public List<Agent> agents(String tenant) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            return g.agents.values().stream().map(a -> a.withLoad(g.load(a.id()))).toList();
        }
    }

    public Agent agent(String tenant, String agentId) {
        TenantGraph g = graph(tenant);
        synchronized (g) {
            Agent a = g.agents.get(agentId);
            if (a == null) throw BosunException.notFound("agent", agentId);
            return a.withLoad(g.load(agentId));
        }
    }

    // ---- routing ----

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
    public Plan route(String tenant, String taskKey, String taskId, Optional<String> sessionId, List<String> required,
                      List<String> prefer, boolean fallbackAny) {
        List<String> req = capabilities("required_capabilities", required);
        for (int i = 0; i < prefer.size(); i++) Ids.requireSafe("prefer_agents[" + i + "]", prefer.get(i));
        TenantGraph g = graph(tenant);
        synchronized (g) {
            maybePrune(tenant, g);
            RoutingDecision d = remote.isPresent() ? decideRemotely(g, taskKey, taskId, req, prefer, fallbackAny)
                    : decide(g, taskKey, taskId, req, prefer, fallbackAny);
            if (!g.graph.hasVertex(agentVertex(d.agentId()))) g.agentVertices++; // a remote router's unknown agent
            g.graph.addEdge(agentVertex(d.agentId()), taskVertex(taskKey));
            // Load is running session tasks; a bare route (the fleet-h1-router contract) is a decision only.
            if (sessionId.isPresent()) g.loads.merge(d.agentId(), 1, Integer::sum);
            Optional<EmergenceAlert> alert = Optional.empty();
            long v = g.graph.vertexCount();
            if (g.emergence.crossed(g.graph.h1(), v)) {
                alert = Optional.of(new EmergenceAlert(tenant, g.graph.h1(), g.emergence.threshold(v), v,
                        g.graph.edgeCount(), d.agentId(), taskId, sessionId, clock.instant()));
            }
            return new Plan(tenant, taskKey, d, alert);
        }
    }

    /** Tells listeners about an alert once its plan has been persisted. */
    public void publish(EmergenceAlert alert) {
        log.warn("{} in tenant {} routing task {} to {}", alert.headline(settings.emergenceOffset()), alert.tenant(),
                alert.taskId(), alert.agentId());
        for (var l : alertListeners) {
            try {
                l.accept(alert);
            } catch (RuntimeException e) {
                log.warn("emergence alert listener failed", e);
            }
        }
    }

    private RoutingDecision decideRemotely(TenantGraph g, String taskKey, String taskId, List<String> req,
                                           List<String> prefer, boolean fallbackAny) {
        try {
            RoutingDecision d = remote.get().route(taskId, req);
            Ids.requireSafe("agent_id", d.agentId());
            return d;
        } catch (BosunException e) {
            if (!fallbackLocal || (e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.INVALID_ARGUMENT)) throw e;
            log.warn("routing task {} with the built-in router: {}", taskId, e.getMessage());
            RoutingDecision d = decide(g, taskKey, taskId, req, prefer, fallbackAny);
            // The decision travels in the task's events, so whoever reads them sees why the remote did not decide.
            return new RoutingDecision(d.agentId(), d.taskId(), d.h1Before(), d.h1After(), d.confidence(),
                    d.emergenceRisk(), d.capabilityMatchScore(), "The remote router could not decide (" + e.getMessage()
                    + "), so the built-in router did. " + d.reasoning());
        }
    }

    private RoutingDecision decide(TenantGraph g, String taskKey, String taskId, List<String> required,
                                   List<String> prefer, boolean fallbackAny) {
        if (g.agents.isEmpty()) {
            throw new BosunException(ErrorCode.NO_CAPABLE_AGENT, "no agents are registered to take task '" + taskId + "'",
                    Map.of("task_id", taskId));
        }
        Set<String> need = new HashSet<>(required);
        List<Agent> capable = g.agents.values().stream().filter(a -> a.capabilities().containsAll(need)).toList();
        boolean fellBack = false;
        if (capable.isEmpty()) {
            if (!fallbackAny) {
                throw new BosunException(ErrorCode.NO_CAPABLE_AGENT, "no registered agent has all of "
                        + String.join(", ", required) + " for task '" + taskId + "' (route with fallback=any to use any agent)",
                        Map.of("task_id", taskId, "required_capabilities", required));
            }
            capable = List.copyOf(g.agents.values());
            fellBack = true;
        }
        List<Agent> candidates = capable;
        boolean preferred = false;
        if (!prefer.isEmpty()) {
            Set<String> p = new HashSet<>(prefer);
            List<Agent> narrowed = capable.stream().filter(a -> p.contains(a.id())).toList();
            if (!narrowed.isEmpty()) {
                candidates = narrowed;
                preferred = true;
            }
        }
        long h1Before = g.graph.h1();
        String task = taskVertex(taskKey);
        long vAfter = g.graph.vertexCount() + (g.graph.hasVertex(task) ? 0 : 1);
        Agent best = null;
        long bestH1 = Long.MAX_VALUE;
        int bestLoad = Integer.MAX_VALUE;
        int ties = 0;
        for (Agent a : candidates) { // registration order: the first of equals wins
            long h1 = g.graph.h1IfAdded(agentVertex(a.id()), task);
            int load = g.load(a.id());
            if (h1 < bestH1 || (h1 == bestH1 && load < bestLoad)) {
                best = a;
                bestH1 = h1;
                bestLoad = load;
                ties = 1;
            } else if (h1 == bestH1 && load == bestLoad) {
                ties++;
            }
        }
        long margin = bestH1 - g.emergence.threshold(vAfter);
        double risk = Emergence.risk(margin);
        double match = required.isEmpty() ? 1.0
                : (double) required.stream().filter(best.capabilities()::contains).count() / required.size();
        double confidence = Math.max(settings.minConfidence(), Math.min(1.0, match * (1 - risk)));
        String reasoning = reasoning(best, taskId, required, match, h1Before, bestH1, margin, risk, bestLoad,
                candidates.size(), ties, fellBack, preferred, g.emergence.threshold(vAfter));
        return new RoutingDecision(best.id(), taskId, h1Before, bestH1, round(confidence), risk, round(match), reasoning);
    }

    private static double round(double d) { return Math.round(d * 1000) / 1000.0; }

    private static String reasoning(Agent a, String taskId, List<String> required, double match, long before, long after,
                                    long margin, double risk, int load, int candidates, int ties, boolean fellBack,
                                    boolean preferred, long threshold) {
        var sb = new StringBuilder("Routed task ").append(taskId).append(" to ").append(a.id()).append(": ");
        if (required.isEmpty()) sb.append("no capabilities were required");
        else if (fellBack) sb.append(String.format(Locale.ROOT, "no agent had all %d required capabilities, so any agent "
                + "was considered and this one has %.0f%% of them", required.size(), match * 100));
        else if (required.size() == 1) sb.append("it has the required capability ").append(required.get(0));
        else sb.append("it has all ").append(required.size()).append(" required capabilities");
        if (preferred) sb.append(", and it was among the preferred agents");
        sb.append("; ");
        sb.append(after == before ? "linking it keeps β₁ at " + after : "linking it raises β₁ from " + before + " to " + after
                + " (it closes a cycle)");
        sb.append(" against a threshold of ").append(threshold);
        sb.append(risk == 0 ? ", with no emergence risk" : String.format(Locale.ROOT, ", %d over it (emergence risk %.1f)", margin, risk));
        if (candidates > 1) {
            sb.append(ties > 1 ? "; of " + ties + " equally good agents it has the lowest load (" + load + ") and registered first"
                    : "; it was the best of " + candidates + " candidates");
        }
        return sb.append('.').toString();
    }

    /** Drops the tenant's cached graph: the next use rebuilds it from the store. */
    public void invalidate(String tenant) { tenants.remove(tenant); }

    /** A task routed to an agent ended: the agent's load drops (the store marks the edge ended). */
    public void taskEnded(String tenant, String agentId) {
        TenantGraph g = tenants.get(tenant);
        if (g == null) return;
        synchronized (g) {
            g.loads.computeIfPresent(agentId, (k, v) -> v <= 1 ? null : v - 1);
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
            BettiGraph gr = g.graph;
            long v = gr.vertexCount();
            long threshold = g.emergence.threshold(v);
            boolean emergent = g.emergence.emergent(gr.h1(), v);
            int tasks = gr.vertexCount() - g.agentVertices;
            String description = String.format(Locale.ROOT, "%d agents, %d tasks, %d edges in %d component%s: β₁ = %d%s; "
                    + "Laman margin %d (%s)", g.agents.size(), tasks, gr.edgeCount(), gr.componentCount(),
                    gr.componentCount() == 1 ? "" : "s", gr.h1(),
                    emergent ? ", above the emergence threshold of " + threshold : ", at or below the emergence threshold of " + threshold,
                    gr.lamanMargin(), gr.lamanMargin() >= 0 ? "E ≥ 2V − 3" : "E < 2V − 3");
            return new FleetStatus(g.agents.size(), tasks, gr.edgeCount(), (int) v, gr.h1(), gr.componentCount(),
                    threshold, gr.h1() - threshold, emergent, gr.lamanMargin(), description);
        }
    }

    // ---- the per-tenant cache ----

    private static String agentVertex(String id) { return "a:" + id; }

    private static String taskVertex(String key) { return "t:" + key; }

    private static final class TenantGraph {
        final Map<String, Agent> agents = new LinkedHashMap<>();
        final Map<String, Integer> loads = new HashMap<>();
        final Emergence emergence;
        BettiGraph graph = new BettiGraph();
        int agentVertices;
        Instant prunedAt;

        TenantGraph(Emergence emergence) { this.emergence = emergence; }

        int load(String agentId) { return loads.getOrDefault(agentId, 0); }
    }

    private TenantGraph graph(String tenant) {
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
        var graph = new BettiGraph();
        var agents = new LinkedHashMap<String, Agent>();
        var vertices = new LinkedHashSet<String>();
        for (Agent a : store.listAgents(tenant)) {
            agents.put(a.id(), a);
            vertices.add(agentVertex(a.id()));
        }
        List<FleetEdge> edges = store.fleetEdges(tenant, clock.instant().minus(settings.window()));
        // Unregistered agents that still have edges in the window stay vertices until the window drops them.
        for (FleetEdge e : edges) vertices.add(agentVertex(e.agentId()));
        vertices.forEach(graph::addVertex);
        for (FleetEdge e : edges) graph.addEdge(agentVertex(e.agentId()), taskVertex(e.taskKey()));
        g.graph = graph;
        g.agentVertices = vertices.size();
        g.agents.clear();
        g.agents.putAll(agents);
        g.loads.clear();
        g.loads.putAll(store.agentLoads(tenant));
        g.prunedAt = clock.instant();
    }

    /** Once a minute per tenant: edges of tasks that ended before the window go, and the graph is rebuilt. */
    private void maybePrune(String tenant, TenantGraph g) {
        Instant now = clock.instant();
        if (Duration.between(g.prunedAt, now).compareTo(PRUNE_EVERY) < 0) return;
        g.prunedAt = now;
        if (store.pruneFleetEdges(tenant, now.minus(settings.window())) > 0) fill(tenant, g);
    }

    static List<String> capabilities(String field, List<String> caps) {
        return Validation.capabilities(field, caps, MAX_CAPABILITIES);
    }
}
