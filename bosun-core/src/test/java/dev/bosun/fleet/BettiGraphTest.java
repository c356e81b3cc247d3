package dev.bosun.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The known values of the issue, and a seeded comparison with a from-scratch computation. */
class BettiGraphTest {

    private static BettiGraph complete(int n, String prefix) {
        var g = new BettiGraph();
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) g.addEdge(prefix + i, prefix + j);
        return g;
    }

    @Test
    void fiveVerticesTenEdgesOneComponentIsSix() {
        BettiGraph k5 = complete(5, "v");
        assertThat(k5.vertexCount()).isEqualTo(5);
        assertThat(k5.edgeCount()).isEqualTo(10);
        assertThat(k5.componentCount()).isEqualTo(1);
        assertThat(k5.h1()).isEqualTo(6);
    }

    @Test
    void fourVerticesSixEdgesOneComponentIsThree() {
        assertThat(complete(4, "v").h1()).isEqualTo(3);
    }

    @Test
    void lamanMargins() {
        assertThat(complete(3, "t").lamanMargin()).isZero(); // triangle
        BettiGraph k4MinusEdge = new BettiGraph();
        k4MinusEdge.addEdge("a", "b");
        k4MinusEdge.addEdge("a", "c");
        k4MinusEdge.addEdge("a", "d");
        k4MinusEdge.addEdge("b", "c");
        k4MinusEdge.addEdge("b", "d");
        assertThat(k4MinusEdge.lamanMargin()).isZero();
        assertThat(complete(4, "k").lamanMargin()).isEqualTo(1);
        BettiGraph tree = new BettiGraph();
        tree.addEdge("r", "a");
        tree.addEdge("r", "b");
        tree.addEdge("b", "c");
        assertThat(tree.lamanMargin()).isEqualTo(-2);
        assertThat(tree.h1()).isZero();
    }

    @Test
    void twoDisjointTrianglesAreTwoNotOne() {
        BettiGraph g = complete(3, "x");
        for (int i = 0; i < 3; i++) for (int j = i + 1; j < 3; j++) g.addEdge("y" + i, "y" + j);
        assertThat(g.componentCount()).isEqualTo(2);
        assertThat(g.h1()).isEqualTo(2);
        // what a router that fixes C at 1 would report: E − V + 1
        assertThat((long) g.edgeCount() - g.vertexCount() + 1).isEqualTo(1);
    }

    @Test
    void anIsolatedAgentAndTaskAreZero() {
        BettiGraph g = new BettiGraph();
        g.addVertex("agent:a");
        g.addVertex("task:t");
        assertThat(g.h1()).isZero();
        assertThat(g.componentCount()).isEqualTo(2);
    }

    @Test
    void duplicatesAndProjectionChangeNothing() {
        BettiGraph g = new BettiGraph();
        assertThat(g.addEdge("a", "b")).isTrue();
        assertThat(g.addEdge("b", "a")).isFalse();
        assertThat(g.h1IfAdded("a", "b")).isZero();
        g.addEdge("b", "c");
        assertThat(g.h1IfAdded("a", "c")).isEqualTo(1); // closes a cycle
        assertThat(g.h1IfAdded("a", "z")).isZero(); // a new vertex: no cycle
        assertThat(g.h1()).isZero();
        assertThat(g.edgeCount()).isEqualTo(2);
    }

    @Test
    void incrementalEqualsFromScratchOnRandomGraphs() {
        long seed = Long.getLong("bosun.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int round = 0; round < 50; round++) {
            BettiGraph g = new BettiGraph();
            int n = 2 + rnd.nextInt(30);
            var adj = new java.util.ArrayList<java.util.Set<Integer>>();
            for (int i = 0; i < n; i++) {
                adj.add(new java.util.HashSet<>());
                g.addVertex("v" + i);
            }
            int edges = 0;
            for (int k = 0; k < rnd.nextInt(3 * n); k++) {
                int a = rnd.nextInt(n), b = rnd.nextInt(n);
                if (a == b) continue;
                long projected = g.h1IfAdded("v" + a, "v" + b);
                boolean added = g.addEdge("v" + a, "v" + b);
                if (added) {
                    adj.get(a).add(b);
                    adj.get(b).add(a);
                    edges++;
                }
                assertThat(g.h1()).as("seed %d", seed).isEqualTo(projected);
            }
            // components by depth-first search, from scratch
            boolean[] seen = new boolean[n];
            int c = 0;
            for (int i = 0; i < n; i++) {
                if (seen[i]) continue;
                c++;
                var stack = new java.util.ArrayDeque<Integer>();
                stack.push(i);
                seen[i] = true;
                while (!stack.isEmpty())
                    for (int j : adj.get(stack.pop()))
                        if (!seen[j]) {
                            seen[j] = true;
                            stack.push(j);
                        }
            }
            assertThat(g.componentCount()).as("seed %d", seed).isEqualTo(c);
            assertThat(g.h1())
                    .as("seed %d", seed)
                    .isEqualTo((long) edges - n + c)
                    .isNotNegative();
        }
    }
}
