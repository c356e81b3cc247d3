package dev.bosun.bench;

import dev.bosun.fleet.Fleet;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Routing decisions per second with 1 000 agents and 100 000 tasks in the fleet window: β₁ is kept
 * incrementally (union-find), so a decision costs one O(α) projection per capable agent and never a
 * recomputation of the graph. Also the heap that graph occupies.
 */
final class RouteBench {
    private static final int AGENTS = 1000;
    private static final int CAPABILITY_POOL = 40;

    private final BenchEnv env;
    private final int tasks;
    private final int measured;

    RouteBench(BenchEnv env) {
        this.env = env;
        this.tasks = env.quick() ? 10_000 : 100_000;
        this.measured = env.quick() ? 5_000 : 50_000;
    }

    void run() throws Exception {
        Path dir = env.freshDir("route");
        var report = new Report("H1 routing: " + AGENTS + " agents, " + tasks + " tasks in the window");
        var rnd = new Random(42);
        try (var store = SqliteStore.open(dir)) {
            var fleet = new Fleet(store, Clock.systemUTC(), new Fleet.Settings(-2, 0.1, Duration.ofHours(24)));
            for (int a = 0; a < AGENTS; a++) fleet.register("bench", "agent-" + a, caps(rnd, 3 + rnd.nextInt(6)));
            long heapBefore = HeapSnapshot.take(dir.resolve("heap-before.txt")).usedBytes();
            long t0 = System.nanoTime();
            for (int t = 0; t < tasks; t++) {
                fleet.route("bench", "task-" + t, "task-" + t, Optional.empty(), caps(rnd, 1), List.of(), true);
            }
            long fill = System.nanoTime() - t0;
            long heapAfter = HeapSnapshot.take(dir.resolve("heap-after.txt")).usedBytes();
            report.line("filling the window (" + tasks + " new tasks)", Report.rate(tasks / (fill / 1e9)) + " decisions/s");
            // In the full window: a mix of new tasks and re-routes (hand-offs), which can close cycles.
            long t1 = System.nanoTime();
            for (int i = 0; i < measured; i++) {
                String task = rnd.nextInt(4) == 0 ? "task-" + rnd.nextInt(tasks) : "extra-" + i;
                fleet.route("bench", task, task, Optional.empty(), caps(rnd, 1 + rnd.nextInt(2)), List.of(), true);
            }
            long mixed = System.nanoTime() - t1;
            report.line("decisions in the full window (¼ re-routes)", Report.rate(measured / (mixed / 1e9)) + " decisions/s, "
                    + String.format("%.1f µs each", mixed / 1e3 / measured));
            var status = fleet.status("bench");
            report.line("graph", status.vertices() + " vertices, " + status.edges() + " edges, " + status.components()
                    + " components, β₁ = " + status.h1());
            report.line("heap of the graph and registry", String.format("%.1f MiB (%.0f bytes per task)",
                    (heapAfter - heapBefore) / 1048576.0, (double) (heapAfter - heapBefore) / tasks));
            // With persistence: the edge written to SQLite as POST /v1/route does.
            int persisted = env.quick() ? 1000 : 5000;
            long t2 = System.nanoTime();
            for (int i = 0; i < persisted; i++) {
                String task = "persisted-" + i;
                var plan = fleet.route("bench", task, task, Optional.empty(), caps(rnd, 1), List.of(), true);
                store.addFleetEdge("bench", plan.decision().agentId(), task, Instant.now());
            }
            long p = System.nanoTime() - t2;
            report.line("decision + durable edge (one caller)", Report.rate(persisted / (p / 1e9)) + " decisions/s");
        }
        report.text("Capabilities are drawn from a pool of " + CAPABILITY_POOL + "; agents have 3-8, tasks require 1-2; "
                + "fallback=any so every task routes. Seeded (42).");
        report.print();
    }

    private static List<String> caps(Random rnd, int n) {
        var out = new ArrayList<String>();
        while (out.size() < n) {
            String c = "cap" + rnd.nextInt(CAPABILITY_POOL);
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }
}
