package dev.bosun.bench;

import dev.bosun.fleet.BettiGraph;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision core of the router before {@code FleetGraph}, for a baseline in the same run: every
 * registered agent filtered with string {@code containsAll}, then every candidate's β₁ projected on a
 * string-keyed {@link BettiGraph}, then the least loaded and first registered. Without the validation,
 * reasoning text and store the real router adds, so it is faster than the old {@code Fleet} was:
 * ratios against it are conservative.
 */
final class PreviousRouter {
    private final Map<String, List<String>> agents = new LinkedHashMap<>();
    private final Map<String, Integer> loads = new HashMap<>();
    private final BettiGraph graph = new BettiGraph();
    long h1Before;
    long h1After;

    void register(String id, List<String> caps) {
        agents.put(id, List.copyOf(caps));
        graph.addVertex("a:" + id);
    }

    /** Decides for a bare route with fallback=any, links the task, and returns the chosen agent. */
    String route(String taskKey, List<String> required) {
        Set<String> need = new HashSet<>(required);
        List<String> capable = agents.entrySet().stream()
                .filter(e -> e.getValue().containsAll(need))
                .map(Map.Entry::getKey)
                .toList();
        if (capable.isEmpty()) capable = List.copyOf(agents.keySet());
        String task = "t:" + taskKey;
        String best = null;
        long bestKey = Long.MAX_VALUE;
        int bestLoad = Integer.MAX_VALUE;
        for (String a : capable) {
            long key = graph.h1IfAdded("a:" + a, task);
            int load = loads.getOrDefault(a, 0);
            if (key < bestKey || (key == bestKey && load < bestLoad)) {
                best = a;
                bestKey = key;
                bestLoad = load;
            }
        }
        h1Before = graph.h1();
        h1After = graph.h1IfAdded("a:" + best, task);
        graph.addEdge("a:" + best, task);
        return best;
    }
}
