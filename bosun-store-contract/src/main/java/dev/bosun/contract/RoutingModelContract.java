package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.SystemEvents;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.Emergence;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The built-in router against a plain reference implementation of its rule, decision by decision:
 * seeded random sequences of agent (re)registration and removal, session tasks (routed, counted in
 * loads), bare routes with preferences and fallbacks (as {@code POST /v1/route}: the decision, then
 * its durable edge), re-routes of known tasks, completions, and time passing beyond the window so
 * that pruning drops edges. The model follows the fleet-h1-router's structure (registry in
 * registration order, a set of edges, every candidate's projected β₁ computed from the graph) with
 * Bosun's rule: capable → preferred → least true β₁ (E − V + C, components counted from scratch) →
 * least loaded → first registered. The seed is printed with any failure; set
 * {@code -Dbosun.routing.seed=N} to replay one.
 */
public abstract class RoutingModelContract extends ManagerHarness {
    private static final String T = "default";
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final List<String> CAPS = List.of("c0", "c1", "c2", "c3", "c4", "c5");
    private static final int AGENTS = 9;
    private static final int TASK_KEYS = 40;
    private static final int SESSIONS = 4;

    @Override
    protected BosunConfig config(Path dataDir) {
        return Fixtures.loader(dataDir)
                .set("h1_router_enabled", true)
                .set("fleet_window", "1h")
                .set("max_tasks", 10_000)
                .load();
    }

    /** Operations per run. */
    protected int operations() {
        return 1500;
    }

    @Test
    void theRouterDecidesAsTheReferenceModelDoes() {
        long seed = Long.getLong("bosun.routing.seed", 20261203L);
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    "RoutingModelContract failed with seed " + seed + " (replay with -Dbosun.routing.seed=" + seed
                            + "): " + e.getMessage(),
                    e);
        }
    }

    private void run(long seed) {
        var rnd = new Random(seed);
        Fleet fleet = manager.fleet();
        var alerts = new AtomicInteger();
        fleet.onEmergenceAlert(a -> alerts.incrementAndGet());
        // Loads follow completions through the event tap; this listener runs after the fleet's on each event.
        var completions = new AtomicInteger();
        manager.addListener(e -> {
            if (e.type().equals(SystemEvents.TASK_COMPLETED)) completions.incrementAndGet();
        });
        int completed = 0;
        var model = new Model(clock.instant());
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++)
            sessions.add(manager.startSession(
                    SessionConfig.builder("model", "planner").build()));
        Set<String> used = new HashSet<>(); // session id + task id already added
        Map<String, String> running = new LinkedHashMap<>(); // session id + "/" + task id → assigned agent
        int decisions = 0;
        for (int op = 0; op < operations(); op++) {
            String at = "op " + op;
            int kind = rnd.nextInt(100);
            if (kind < 10 || model.agents.isEmpty()) {
                String id = "a" + rnd.nextInt(AGENTS);
                List<String> caps = someCaps(rnd, 1 + rnd.nextInt(3));
                fleet.register(T, id, caps);
                model.register(id, caps);
            } else if (kind < 13) {
                String id = "a" + rnd.nextInt(AGENTS);
                boolean known = model.agents.containsKey(id);
                if (known) {
                    fleet.unregister(T, id);
                    model.agents.remove(id);
                }
            } else if (kind < 45) { // a session's task, routed and counted in the load
                Session s = sessions.get(rnd.nextInt(SESSIONS));
                String task = "t" + rnd.nextInt(TASK_KEYS);
                if (!used.add(s.id() + "/" + task)) continue;
                List<String> req = someCaps(rnd, 1 + rnd.nextInt(2));
                var expected = model.route(clock.instant(), task, req, List.of(), false, true);
                try {
                    Task t = manager.addTask(
                            s.id(),
                            TaskSpec.builder(task)
                                    .id(task)
                                    .requiredCapabilities(req)
                                    .build());
                    assertThat(expected.error())
                            .as(at + ": model expected an error")
                            .isEmpty();
                    assertThat(t.assignedAgent()).as(at).contains(expected.agentId());
                    running.put(s.id() + "/" + task, expected.agentId());
                    decisions++;
                } catch (BosunException e) {
                    used.remove(s.id() + "/" + task);
                    assertThat(Optional.of(e.code()))
                            .as(at + ": " + e.getMessage())
                            .isEqualTo(expected.error());
                }
            } else if (kind < 75) { // a bare decision and its durable edge, as POST /v1/route
                String task = "t" + rnd.nextInt(TASK_KEYS);
                List<String> req = someCaps(rnd, 1 + rnd.nextInt(2));
                List<String> prefer = new ArrayList<>();
                for (int p = rnd.nextInt(3); p > 0; p--) prefer.add("a" + rnd.nextInt(AGENTS));
                boolean fallbackAny = rnd.nextBoolean();
                var expected = model.route(clock.instant(), task, req, prefer, fallbackAny, false);
                try {
                    var plan = fleet.route(T, task, task, Optional.empty(), req, prefer, fallbackAny);
                    store.addFleetEdge(T, plan.decision().agentId(), task, clock.instant());
                    plan.alert().ifPresent(fleet::publish);
                    var d = plan.decision();
                    assertThat(expected.error())
                            .as(at + ": model expected an error")
                            .isEmpty();
                    assertThat(List.of(
                                    d.agentId(),
                                    d.h1Before(),
                                    d.h1After(),
                                    d.emergenceRisk(),
                                    d.confidence(),
                                    d.capabilityMatchScore(),
                                    plan.alert().isPresent()))
                            .as(at + " (agent, β₁ before, after, risk, confidence, match, alert)")
                            .isEqualTo(List.of(
                                    expected.agentId(),
                                    expected.h1Before(),
                                    expected.h1After(),
                                    expected.risk(),
                                    expected.confidence(),
                                    expected.match(),
                                    expected.alert()));
                    // The reasoning is built only when the decision is written: what is written must be the sentence.
                    assertThat(d.toJson().get("reasoning").asText())
                            .as(at + " reasoning")
                            .isEqualTo(expected.reasoning());
                    decisions++;
                } catch (BosunException e) {
                    assertThat(Optional.of(e.code()))
                            .as(at + ": " + e.getMessage())
                            .isEqualTo(expected.error());
                }
            } else if (kind < 92) { // a running task completes: its agent's load drops, its edge ends
                if (running.isEmpty()) continue;
                var keys = new ArrayList<>(running.keySet());
                String key = keys.get(rnd.nextInt(keys.size()));
                String agent = running.remove(key);
                String sessionId = key.substring(0, key.indexOf('/'));
                String task = key.substring(key.indexOf('/') + 1);
                manager.completeTask(sessionId, task, TaskOutcome.SUCCESS);
                model.complete(clock.instant(), agent, task);
                int want = ++completed;
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> completions.get() >= want);
            } else { // time passes; sometimes beyond the window, so the next prune drops what ended before it
                clock.advance(Duration.ofMinutes(rnd.nextInt(4) == 0 ? 30 + rnd.nextInt(60) : rnd.nextInt(5)));
                if (rnd.nextBoolean()) {
                    FleetStatus st = fleet.status(T);
                    model.maybePrune(clock.instant());
                    assertThat(List.of(
                                    (long) st.agents(),
                                    (long) st.tasks(),
                                    (long) st.edges(),
                                    (long) st.vertices(),
                                    (long) st.components(),
                                    st.h1()))
                            .as(at + " status (agents, tasks, edges, vertices, components, β₁)")
                            .isEqualTo(model.status());
                }
            }
            assertThat(fleet.h1(T)).as(at + " β₁").isEqualTo(model.h1(null, null));
            assertThat(alerts.get()).as(at + " alerts").isEqualTo(model.alerts);
            Map<String, Integer> loads = new HashMap<>();
            for (Agent a : fleet.agents(T)) loads.put(a.id(), a.load());
            assertThat(loads).as(at + " loads").isEqualTo(model.registeredLoads());
        }
        assertThat(decisions).as("decisions made").isGreaterThan(operations() / 3);
    }

    private static List<String> someCaps(Random rnd, int n) {
        var out = new ArrayList<String>();
        while (out.size() < n) {
            String c = CAPS.get(rnd.nextInt(CAPS.size()));
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }

    /** What the model expects of one routing call: an error, or a decision. */
    record Expected(
            Optional<ErrorCode> error,
            String agentId,
            long h1Before,
            long h1After,
            double risk,
            double confidence,
            double match,
            boolean alert,
            String reasoning) {
        static Expected failed(ErrorCode code) {
            return new Expected(Optional.of(code), "", 0, 0, 0, 0, 0, false, "");
        }
    }

    /** The reference: plain collections, β₁ counted from scratch for every projection. */
    private static final class Model {
        final Map<String, Set<String>> agents = new LinkedHashMap<>(); // registration order
        final Map<String, Integer> loads = new HashMap<>();
        final Map<List<String>, Optional<Instant>> edges = new LinkedHashMap<>(); // (agent, task) → when its task ended
        Instant prunedAt;
        boolean above;
        int alerts;

        Model(Instant created) {
            prunedAt = created;
        }

        void register(String id, List<String> caps) {
            agents.computeIfAbsent(id, k -> new HashSet<>());
            agents.put(id, new HashSet<>(caps)); // a known agent keeps its place
        }

        void maybePrune(Instant now) {
            if (Duration.between(prunedAt, now).compareTo(Duration.ofMinutes(1)) < 0) return;
            prunedAt = now;
            Instant cutoff = now.minus(WINDOW);
            edges.values().removeIf(ended -> ended.isPresent() && ended.get().isBefore(cutoff));
        }

        Expected route(
                Instant now,
                String task,
                List<String> required,
                List<String> prefer,
                boolean fallbackAny,
                boolean session) {
            maybePrune(now);
            if (agents.isEmpty()) return Expected.failed(ErrorCode.NO_CAPABLE_AGENT);
            List<String> eligible = new ArrayList<>();
            agents.forEach((id, caps) -> {
                if (caps.containsAll(required)) eligible.add(id);
            });
            boolean fellBack = eligible.isEmpty();
            if (fellBack) {
                if (!fallbackAny) return Expected.failed(ErrorCode.NO_CAPABLE_AGENT);
                eligible.addAll(agents.keySet());
            }
            List<String> preferred = eligible.stream().filter(prefer::contains).toList();
            if (!preferred.isEmpty()) eligible.retainAll(preferred);
            long before = h1(null, null);
            String best = null;
            long bestH1 = Long.MAX_VALUE;
            int bestLoad = Integer.MAX_VALUE;
            for (String a : eligible) {
                long after = h1(a, task);
                int load = loads.getOrDefault(a, 0);
                if (after < bestH1 || (after == bestH1 && load < bestLoad)) {
                    best = a;
                    bestH1 = after;
                    bestLoad = load;
                }
            }
            int ties = 0; // as good as the chosen one, before its edge is added
            for (String a : eligible) if (h1(a, task) == bestH1 && loads.getOrDefault(a, 0) == bestLoad) ties++;
            long vAfter = vertices(best, task).size();
            long margin = bestH1 - (vAfter - 2);
            double risk = Emergence.risk(margin);
            Set<String> caps = agents.get(best);
            double match = required.isEmpty()
                    ? 1.0
                    : (double) required.stream().filter(caps::contains).count() / required.size();
            double confidence = Math.round(Math.max(0.1, Math.min(1.0, match * (1 - risk))) * 1000) / 1000.0;
            edges.put(List.of(best, task), Optional.empty()); // linked (again): live
            if (session) loads.merge(best, 1, Integer::sum);
            long h1 = h1(null, null);
            long v = vertices(null, null).size();
            boolean emergent = h1 > v - 2;
            boolean crossed = emergent && !above;
            above = emergent;
            if (crossed) alerts++;
            String why = reasoning(
                            task,
                            best,
                            required,
                            fellBack,
                            match,
                            !preferred.isEmpty(),
                            eligible.size(),
                            ties,
                            bestLoad)
                    + "; "
                    + (bestH1 == before
                            ? "linking it keeps β₁ at " + bestH1
                            : "linking it raises β₁ from " + before + " to " + bestH1 + " (it closes a cycle)")
                    + " against a threshold of " + (vAfter - 2)
                    + (risk == 0
                            ? ", with no emergence risk"
                            : ", " + margin + " over it (emergence risk " + risk + ")")
                    + ".";
            return new Expected(
                    Optional.empty(),
                    best,
                    before,
                    bestH1,
                    risk,
                    confidence,
                    Math.round(match * 1000) / 1000.0,
                    crossed,
                    why);
        }

        /** The sentence as docs/API.md words a built-in decision, up to the β₁ part. */
        private static String reasoning(
                String task,
                String best,
                List<String> required,
                boolean fellBack,
                double match,
                boolean preferred,
                int candidates,
                int ties,
                int bestLoad) {
            String why = "Routed task " + task + " to " + best + ": ";
            if (required.isEmpty()) why += "no capabilities were required";
            else if (fellBack)
                why += "no agent had all " + required.size() + " required capabilities, so any agent was "
                        + "considered and this one has " + Math.round(match * 100) + "% of them";
            else if (required.size() == 1) why += "it has the required capability " + required.get(0);
            else why += "it has all " + required.size() + " required capabilities";
            if (preferred) why += ", and it was among the preferred agents";
            if (candidates > 1)
                why += ties > 1
                        ? "; of " + ties + " equally good agents it has the lowest load (" + bestLoad
                                + ") and registered first"
                        : "; it was the best of " + candidates + " candidates";
            return why;
        }

        void complete(Instant now, String agent, String task) {
            loads.computeIfPresent(agent, (k, n) -> n <= 1 ? null : n - 1);
            edges.computeIfPresent(List.of(agent, task), (k, ended) -> ended.isPresent() ? ended : Optional.of(now));
        }

        Map<String, Integer> registeredLoads() {
            Map<String, Integer> out = new HashMap<>();
            for (String a : agents.keySet()) out.put(a, loads.getOrDefault(a, 0));
            return out;
        }

        /** Registered agents, and agents and tasks with an edge; with the extra edge when given. */
        Set<String> vertices(String extraAgent, String extraTask) {
            Set<String> v = new HashSet<>();
            for (String a : agents.keySet()) v.add("a:" + a);
            for (List<String> e : edges.keySet()) {
                v.add("a:" + e.get(0));
                v.add("t:" + e.get(1));
            }
            if (extraAgent != null) {
                v.add("a:" + extraAgent);
                v.add("t:" + extraTask);
            }
            return v;
        }

        /** β₁ = E − V + C of the graph, with the edge (extraAgent, extraTask) added when given. */
        long h1(String extraAgent, String extraTask) {
            Set<String> v = vertices(extraAgent, extraTask);
            Set<List<String>> e = new HashSet<>(edges.keySet());
            if (extraAgent != null) e.add(List.of(extraAgent, extraTask));
            Map<String, String> parent = new HashMap<>();
            for (String x : v) parent.put(x, x);
            int components = v.size();
            for (List<String> edge : e) {
                String ra = root(parent, "a:" + edge.get(0)), rb = root(parent, "t:" + edge.get(1));
                if (!ra.equals(rb)) {
                    parent.put(ra, rb);
                    components--;
                }
            }
            return (long) e.size() - v.size() + components;
        }

        List<Long> status() {
            Set<String> v = vertices(null, null);
            long tasks = v.stream().filter(x -> x.startsWith("t:")).count();
            long h1 = h1(null, null);
            long components = h1 - edges.size() + v.size();
            return List.of((long) agents.size(), tasks, (long) edges.size(), (long) v.size(), components, h1);
        }

        private static String root(Map<String, String> parent, String x) {
            while (!parent.get(x).equals(x)) x = parent.get(x);
            return x;
        }
    }
}
