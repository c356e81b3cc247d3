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
