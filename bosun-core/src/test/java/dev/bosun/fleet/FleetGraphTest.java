package dev.bosun.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The primitive graph: candidates in registration order, β₁ deltas, pruning that splits components. */
class FleetGraphTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Agent agent(String id, String... caps) {
        return new Agent("t", id, List.of(caps), 0, T0, T0, T0, 0);
    }

    private static FleetEdge edge(String agent, String task) {
        return new FleetEdge("t", agent, task, T0, Optional.of(T0));
    }

    @Test
    void candidatesAreTheCapableInRegistrationOrderAndReRegistrationKeepsThePlace() {
        var g = new FleetGraph();
        g.putAgent(agent("a", "x", "y"));
        g.putAgent(agent("b", "x"));
        g.putAgent(agent("c", "y", "x"));
        assertThat(g.selectCandidates(List.of("x", "y"), List.of(), false)).isEqualTo(FleetGraph.Selection.FOUND);
        assertThat(g.candidateCount()).isEqualTo(2);
        assertThat(g.choose("new", true)).isEqualTo("a");
        g.putAgent(agent("a", "z")); // a loses x and y, keeps its place
        g.selectCandidates(List.of("x"), List.of(), false);
        assertThat(g.choose("new", true)).isEqualTo("b");
        g.putAgent(agent("a", "x"));
        g.selectCandidates(List.of("x"), List.of(), false);
        assertThat(g.choose("new", true)).isEqualTo("a");
        assertThat(g.selectCandidates(List.of("gpu"), List.of(), false)).isEqualTo(FleetGraph.Selection.NONE_CAPABLE);
        assertThat(g.selectCandidates(List.of("gpu", "x"), List.of(), true)).isEqualTo(FleetGraph.Selection.FOUND);
        assertThat(g.fellBack()).isTrue();
        assertThat(g.match("a")).isEqualTo(0.5);
        g.selectCandidates(List.of("x"), List.of("c", "nobody"), false);
        assertThat(g.preferred()).isTrue();
        assertThat(g.choose("new", true)).isEqualTo("c");
        assertThat(new FleetGraph().selectCandidates(List.of(), List.of(), true))
                .isEqualTo(FleetGraph.Selection.NO_AGENTS);
    }

    @Test
    void aReRouteInsideTheTaskComponentClosesACycleAndPruningSplitsIt() {
        var g = new FleetGraph();
        g.putAgent(agent("a", "x"));
        g.putAgent(agent("b", "x"));
        g.link("a", "t1");
        g.link("b", "t1");
        g.link("a", "t2");
        assertThat(g.h1()).isZero();
        assertThat(g.h1IfLinked("b", "t2")).isEqualTo(1); // a–t1–b is one component with t2
        g.selectCandidates(List.of("x"), List.of(), false);
        assertThat(g.choose("t2", true)).isEqualTo("a"); // already linked: no rise
        g.unlink(List.of(edge("b", "t1")));
        assertThat(g.h1IfLinked("b", "t2")).isZero(); // b is alone again
        assertThat(g.componentCount()).isEqualTo(2);
        g.unlink(List.of(edge("a", "t1"), edge("a", "t2")));
        assertThat(g.taskCount()).isZero(); // tasks without edges leave the graph
        assertThat(g.vertexCount()).isEqualTo(2); // registered agents stay
        assertThat(g.linkedTasks()).isEmpty();
        g.removeAgent("b"); // no edges: its vertex goes at once, as a reload would drop it
        assertThat(g.vertexCount()).isEqualTo(1);
        assertThat(g.componentCount()).isEqualTo(1);
        g.link("a", "t3");
        assertThat(g.vertexCount()).isEqualTo(2);
        assertThat(g.h1()).isZero();
    }

    @Test
    void randomLinksAndPrunesMatchAFromScratchCount() {
        var rnd = new Random(7);
        var g = new FleetGraph();
        for (int a = 0; a < 20; a++) g.putAgent(agent("a" + a, "x"));
        Set<List<String>> live = new HashSet<>();
        for (int step = 0; step < 3000; step++) {
            String a = "a" + rnd.nextInt(20), t = "t" + rnd.nextInt(60);
            if (rnd.nextInt(4) > 0) {
                assertThat(g.link(a, t)).isEqualTo(live.add(List.of(a, t)));
            } else {
                var drop = new ArrayList<FleetEdge>();
                for (var e : live) if (rnd.nextInt(5) == 0) drop.add(edge(e.get(0), e.get(1)));
                drop.forEach(e -> live.remove(List.of(e.agentId(), e.taskKey())));
                g.unlink(drop);
            }
            assertThat(g.h1()).as("step %d", step).isEqualTo(h1(live, 20));
            assertThat(g.edgeCount()).as("step %d edges", step).isEqualTo(live.size());
            assertThat(g.taskCount())
                    .as("step %d tasks", step)
                    .isEqualTo(live.stream().map(e -> e.get(1)).distinct().count());
        }
    }

    @Test
    void anAgentRemovedWithEdgesNoLongerCountsInItsComponent() {
        var g = new FleetGraph();
        g.putAgent(agent("a", "x"));
        g.putAgent(agent("b", "x"));
        g.link("a", "t1");
        g.link("b", "t1");
        g.putAgent(agent("c", "x")); // its own component
        g.removeAgent("b"); // its edge keeps it in t1's component, but not among the registered
        g.addLoad("a", 1);
        g.selectCandidates(List.of("x"), List.of(), false);
        // c is outside t1's component: linking it closes no cycle, as linking a (already linked) does not;
        // the lesser load wins, so the decision must not look at t1's own agents only
        assertThat(g.choose("t1", true)).isEqualTo("c");
        assertThat(g.ties()).isEqualTo(1);
        assertThat(g.h1IfLinked("c", "t1")).isEqualTo(g.h1());
    }

    /**
     * The shortcuts of a decision (bitsets ANDed by id, a re-route decided by the task's own agents, idle counts)
     * against a plain pass over the registered agents with the graph's own β₁ projections, over random
     * registrations (some after removal, so ids leave registration order), removals, loads, links and prunes;
     * enough agents for multi-word bitsets and components that do and do not hold every agent.
     */
    @Test
    void decisionsMatchAPlainPassOverTheAgents() {
        for (long seed = 1; seed <= 6; seed++) {
            var rnd = new Random(seed);
            var g = new FleetGraph();
            int agents = 40 + rnd.nextInt(120);
            Set<List<String>> live = new HashSet<>();
            // pruning rebuilds the components (and their agent counts): some seeds prune rarely, so the counts
            // kept through registrations, removals and unions are what the decisions read
            int pruneShare = seed % 2 == 0 ? 3 : 1; // percent of the steps
            for (int step = 0; step < 4000; step++) {
                String at = "seed " + seed + " step " + step;
                int kind = rnd.nextInt(100);
                if (kind < 8 || g.agentCount() == 0) {
                    g.putAgent(agent(
                            "a" + rnd.nextInt(agents),
                            caps(rnd, 1 + rnd.nextInt(4)).toArray(String[]::new)));
                } else if (kind < 11) {
                    g.removeAgent("a" + rnd.nextInt(agents));
                } else if (kind < 20) {
                    g.addLoad("a" + rnd.nextInt(agents), rnd.nextInt(3) - 1);
                } else if (kind < 20 + pruneShare) {
                    var drop = new ArrayList<FleetEdge>();
                    for (var e : live) if (rnd.nextInt(3) == 0) drop.add(edge(e.get(0), e.get(1)));
                    drop.forEach(e -> live.remove(List.of(e.agentId(), e.taskKey())));
                    g.unlink(drop);
                } else {
                    String task = "t" + rnd.nextInt(kind < 60 ? 400 : 4000);
                    List<String> req = caps(rnd, rnd.nextInt(4));
                    List<String> prefer = new ArrayList<>();
                    for (int p = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0; p > 0; p--)
                        prefer.add("a" + rnd.nextInt(agents));
                    boolean fallback = rnd.nextBoolean();
                    boolean bosun = rnd.nextInt(5) > 0;
                    var expected = plainChoice(g, live, task, req, prefer, fallback, bosun);
                    var sel = g.selectCandidates(req, prefer, fallback);
                    if (expected == null) {
                        assertThat(sel).as(at).isNotEqualTo(FleetGraph.Selection.FOUND);
                        continue;
                    }
                    assertThat(sel).as(at).isEqualTo(FleetGraph.Selection.FOUND);
                    String chosen = g.choose(task, bosun);
                    assertThat(List.of(chosen, g.bestCounter(), g.ties(), g.candidateCount()))
                            .as(at + " (agent, counter, ties, candidates)")
                            .isEqualTo(expected);
                    if (bosun) {
                        var after = new HashSet<>(live);
                        after.add(List.of(chosen, task));
                        assertThat(g.h1IfLinked(chosen, task))
                                .as(at + " β₁ after")
                                .isEqualTo(plainH1(g, after));
                    }
                    g.link(chosen, task);
                    live.add(List.of(chosen, task));
                }
            }
        }
    }

    private static List<String> caps(Random rnd, int n) {
        var out = new ArrayList<String>();
        while (out.size() < n) {
            String c = "c" + rnd.nextInt(6);
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }

    /** Union-find roots from scratch over the registered agents and the edges' ends. */
    private static Map<String, String> plainComponents(FleetGraph g, Set<List<String>> edges) {
        Map<String, String> parent = new HashMap<>();
        for (Agent a : g.agents()) parent.put(a.id(), a.id());
        for (var e : edges) {
            parent.putIfAbsent(e.get(0), e.get(0));
            parent.putIfAbsent("t:" + e.get(1), "t:" + e.get(1));
        }
        for (var e : edges) {
            String ra = root(parent, e.get(0)), rb = root(parent, "t:" + e.get(1));
            if (!ra.equals(rb)) parent.put(ra, rb);
        }
        return parent;
    }

    private static long plainH1(FleetGraph g, Set<List<String>> edges) {
        var parent = plainComponents(g, edges);
        long c = parent.keySet().stream().filter(v -> root(parent, v).equals(v)).count();
        return edges.size() - parent.size() + c;
    }

    /** The rule as a plain pass: capable (or all), preferred, least key, least counter, first registered. */
    private static List<Object> plainChoice(
            FleetGraph g,
            Set<List<String>> edges,
            String task,
            List<String> req,
            List<String> prefer,
            boolean fallback,
            boolean bosun) {
        List<Agent> all = g.agents();
        if (all.isEmpty()) return null;
        List<Agent> cands = new ArrayList<>(
                all.stream().filter(a -> a.capabilities().containsAll(req)).toList());
        if (cands.isEmpty()) {
            if (!fallback) return null;
            cands.addAll(all);
        }
        List<Agent> preferred =
                cands.stream().filter(a -> prefer.contains(a.id())).toList();
        if (!preferred.isEmpty()) cands = new ArrayList<>(preferred);
        var parent = plainComponents(g, edges);
        String taskVertex = "t:" + task;
        String taskRoot = parent.containsKey(taskVertex) ? root(parent, taskVertex) : null;
        String best = null;
        long bestKey = Long.MAX_VALUE, bestCount = Long.MAX_VALUE;
        int ties = 0;
        for (Agent a : cands) {
            boolean isLinked = edges.contains(List.of(a.id(), task));
            long key;
            if (isLinked) key = 0;
            else if (bosun) key = taskRoot != null && root(parent, a.id()).equals(taskRoot) ? 1 : 0;
            else key = taskRoot == null ? 0 : 1; // the reference rule: a new task is no one's
            long count = bosun
                    ? a.load()
                    : edges.stream().filter(e -> e.get(0).equals(a.id())).count();
            if (key < bestKey || (key == bestKey && count < bestCount)) {
                best = a.id();
                bestKey = key;
                bestCount = count;
                ties = 1;
            } else if (key == bestKey && count == bestCount) {
                ties++;
            }
        }
        return List.of(best, (int) bestCount, ties, cands.size());
    }

    /** β₁ = E − V + C from scratch: every agent plus every task with an edge. */
    private static long h1(Set<List<String>> edges, int agents) {
        Map<String, String> parent = new HashMap<>();
        for (int a = 0; a < agents; a++) parent.put("a" + a, "a" + a);
        for (var e : edges) parent.putIfAbsent("t:" + e.get(1), "t:" + e.get(1));
        for (var e : edges) {
            String ra = root(parent, e.get(0)), rb = root(parent, "t:" + e.get(1));
            if (!ra.equals(rb)) parent.put(ra, rb);
        }
        long c = parent.keySet().stream().filter(v -> root(parent, v).equals(v)).count();
        return edges.size() - parent.size() + c;
    }

    private static String root(Map<String, String> parent, String v) {
        while (!parent.get(v).equals(v)) v = parent.get(v);
        return v;
    }
}
