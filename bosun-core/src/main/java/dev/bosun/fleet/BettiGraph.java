package dev.bosun.fleet;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An undirected simple graph that knows its first Betti number, β₁ = E − V + C, at all times. C (the
 * number of connected components) is kept by a union-find updated as vertices and edges are added,
 * so every query is O(1) and every addition near O(1); nothing is ever recomputed per decision.
 * β₁ is never negative: each component with k vertices has at least k − 1 edges.
 *
 * <p>Edges cannot be removed (union-find cannot split); to drop vertices, build a new graph from
 * what remains, as {@link FleetGraph} does when its window moves. Not thread-safe.
 */
public final class BettiGraph {
    private final Map<String, Integer> index = new HashMap<>();
    private final Set<Long> edges = new HashSet<>();
    private int[] parent = new int[16];
    private int[] size = new int[16];
    private int vertices;
    private int components;

    /** Adds a vertex if new; returns its index. A new vertex is its own component. */
    public int addVertex(String id) {
        Integer i = index.get(id);
        if (i != null) return i;
        if (vertices == parent.length) {
            parent = Arrays.copyOf(parent, vertices * 2);
            size = Arrays.copyOf(size, vertices * 2);
        }
        int v = vertices++;
        parent[v] = v;
        size[v] = 1;
        index.put(id, v);
        components++;
        return v;
    }

    public boolean hasVertex(String id) {
        return index.containsKey(id);
    }

    /**
     * Adds the edge {a, b} (adding missing vertices). Returns false, changing nothing, when the edge
     * already exists. A self-loop is refused: agents and tasks are never the same vertex.
     */
    public boolean addEdge(String a, String b) {
        if (a.equals(b)) throw new IllegalArgumentException("a self-loop on " + a);
        int u = addVertex(a), v = addVertex(b);
        if (!edges.add(key(u, v))) return false;
        union(u, v);
        return true;
    }

    public boolean hasEdge(String a, String b) {
        Integer u = index.get(a), v = index.get(b);
        return u != null && v != null && edges.contains(key(u, v));
    }

    /** β₁ if the edge {a, b} were added now (missing vertices included), without adding it. */
    public long h1IfAdded(String a, String b) {
        Integer u = index.get(a), v = index.get(b);
        if (u != null && v != null && edges.contains(key(u, v))) return h1();
        // A new vertex adds one to V and one to C: no change. A new edge inside one component closes a
        // cycle (+1); between two components it merges them (E+1, C−1: no change).
        boolean sameComponent = u != null && v != null && find(u) == find(v);
        return h1() + (sameComponent ? 1 : 0);
    }

    public long h1() {
        return (long) edges.size() - vertices + components;
    }

    public int vertexCount() {
        return vertices;
    }

    public int edgeCount() {
        return edges.size();
    }

    public int componentCount() {
        return components;
    }

    /** The Laman count's margin, E − (2V − 3): ≥ 0 when E ≥ 2V − 3. */
    public long lamanMargin() {
        return (long) edges.size() - (2L * vertices - 3);
    }

    private static long key(int u, int v) {
        int lo = Math.min(u, v), hi = Math.max(u, v);
        return ((long) lo << 32) | (hi & 0xffffffffL);
    }

    private int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]]; // path halving
            x = parent[x];
        }
        return x;
    }

    private void union(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return;
        if (size[ra] < size[rb]) {
            int t = ra;
            ra = rb;
            rb = t;
        }
        parent[rb] = ra;
        size[ra] += size[rb];
        components--;
    }
}
