package dev.bosun.bench;

import dev.bosun.fleet.Fleet;
import dev.bosun.store.sqlite.SqliteStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Routing decisions with many agents and a full fleet window, by the built-in router ({@code Fleet}
 * over {@code FleetGraph}) and, in the same JVM on the same operations, by {@link PreviousRouter}
 * (the string-keyed decision core it replaced). Reported: decisions per wall second (the line kept
 * from the first benchmark), decisions per CPU-second of the routing thread
 * ({@code ThreadMXBean.getCurrentThreadCpuTime}), and each decision's latency (p50, p99, p99.9, max),
 * plus the heap the graph holds.
 *
 * <p>{@code route}: 1,000 agents with 3-8 capabilities from a pool of 40; 100,000 new tasks fill the
 * window, then 50,000 decisions, a quarter of them re-routes of existing tasks (which can close
 * cycles). {@code route-large}: 10,000 agents, a pool of 200, 1,000,000 tasks in the window, 200,000
 * decisions; no baseline there (the previous router would take minutes to fill the window).
 */
final class RouteBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final BenchEnv env;
    private final boolean large;
    private final int agents;
    private final int capabilityPool;
    private final int tasks;
    private final int measured;

    RouteBench(BenchEnv env, boolean large) {
        this.env = env;
        this.large = large;
        this.agents = large ? 10_000 : 1000;
        this.capabilityPool = large ? 200 : 40;
        this.tasks = env.quick() ? (large ? 100_000 : 10_000) : (large ? 1_000_000 : 100_000);
        this.measured = env.quick() ? 5_000 : (large ? 200_000 : 50_000);
    }

    /** One routing call of the workload: a task key and its required capabilities. */
    private record Op(String task, List<String> required) {}

    void run() throws Exception {
        Path dir = env.freshDir(large ? "route-large" : "route");
        var report = new Report("H1 routing: " + agents + " agents, " + tasks + " tasks in the window");
        var rnd = new Random(42);
        List<List<String>> agentCaps = new ArrayList<>();
        for (int a = 0; a < agents; a++) agentCaps.add(caps(rnd, 3 + rnd.nextInt(6)));
        Op[] fill = new Op[tasks];
        for (int t = 0; t < tasks; t++) fill[t] = new Op("task-" + t, caps(rnd, 1));
        Op[] mixed = new Op[measured];
        for (int i = 0; i < measured; i++) {
            String task = rnd.nextInt(4) == 0 ? "task-" + rnd.nextInt(tasks) : "extra-" + i;
            mixed[i] = new Op(task, caps(rnd, 1 + rnd.nextInt(2)));
        }
        String[] chosen = new String[measured];
        try (var store = SqliteStore.open(dir)) {
            var fleet = new Fleet(store, Clock.systemUTC(), new Fleet.Settings(-2, 0.1, Duration.ofHours(24)));
            for (int a = 0; a < agents; a++) fleet.register("bench", "agent-" + a, agentCaps.get(a));
            long heapBefore = HeapSnapshot.take(dir.resolve("heap-before.txt")).usedBytes();
            long t0 = System.nanoTime();
            for (Op op : fill)
                fleet.route("bench", op.task(), op.task(), Optional.empty(), op.required(), List.of(), true);
            long fillNanos = System.nanoTime() - t0;
            long heapAfter = HeapSnapshot.take(dir.resolve("heap-after.txt")).usedBytes();
            report.line(
                    "filling the window (" + tasks + " new tasks)",
                    Report.rate(tasks / (fillNanos / 1e9)) + " decisions/s");
            // In the full window: a mix of new tasks and re-routes (hand-offs), which can close cycles.
            long[] lat = new long[measured];
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            for (int i = 0; i < measured; i++) {
                Op op = mixed[i];
                long s = System.nanoTime();
                chosen[i] = fleet.route("bench", op.task(), op.task(), Optional.empty(), op.required(), List.of(), true)
                        .decision()
                        .agentId();
                lat[i] = System.nanoTime() - s;
            }
            long wall = System.nanoTime() - t1;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            report.line(
                    "decisions in the full window (¼ re-routes)",
                    Report.rate(measured / (wall / 1e9)) + " decisions/s, "
                            + String.format("%.1f µs each", wall / 1e3 / measured));
            double perCpu = measured / (cpu / 1e9);
            report.line("  per CPU-second of the routing thread", Report.rate(perCpu) + " decisions/CPU-s");
            report.line("  latency of one decision", latencies(lat));
            var status = fleet.status("bench");
            report.line(
                    "graph",
                    status.vertices() + " vertices, " + status.edges() + " edges, " + status.components()
                            + " components, β₁ = " + status.h1());
            report.line(
                    "heap of the graph and registry",
                    String.format(
                            "%.1f MiB (%.0f bytes per task)",
                            (heapAfter - heapBefore) / 1048576.0, (double) (heapAfter - heapBefore) / tasks));
            if (!large) {
                baseline(report, agentCaps, fill, mixed, chosen, perCpu);
                // With persistence: the edge written to SQLite as POST /v1/route does.
                int persisted = env.quick() ? 1000 : 5000;
                long t2 = System.nanoTime();
                for (int i = 0; i < persisted; i++) {
                    String task = "persisted-" + i;
                    var plan = fleet.route("bench", task, task, Optional.empty(), caps(rnd, 1), List.of(), true);
                    store.addFleetEdge("bench", plan.decision().agentId(), task, Instant.now());
                }
                long p = System.nanoTime() - t2;
                report.line(
                        "decision + durable edge (one caller)", Report.rate(persisted / (p / 1e9)) + " decisions/s");
            }
        }
        report.text(
                "Capabilities are drawn from a pool of " + capabilityPool + "; agents have 3-8, tasks require 1-2 "
                        + "(1 while filling); fallback=any so every task routes. Operations are generated before timing. Seeded (42).");
        report.print();
    }

    /** The previous decision core on the same operations, in this JVM: rate, latencies, and whether it chose alike. */
    private void baseline(
            Report report, List<List<String>> agentCaps, Op[] fill, Op[] mixed, String[] chosen, double perCpu) {
        var previous = new PreviousRouter();
        for (int a = 0; a < agents; a++) previous.register("agent-" + a, agentCaps.get(a));
        for (Op op : fill) previous.route(op.task(), op.required());
        long[] lat = new long[measured];
        int same = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < measured; i++) {
            long s = System.nanoTime();
            String a = previous.route(mixed[i].task(), mixed[i].required());
            lat[i] = System.nanoTime() - s;
            if (a.equals(chosen[i])) same++;
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        double basePerCpu = measured / (cpu / 1e9);
        report.line(
                "baseline: the previous decision core, same ops",
                Report.rate(basePerCpu) + " decisions/CPU-s; " + latencies(lat));
        report.line(
                "  ratio built-in / baseline (per CPU-s)",
                String.format("%.1f×; same agent chosen in %,d of %,d", perCpu / basePerCpu, same, measured));
    }

    private static String latencies(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(
                "p50 %s  p99 %s  p99.9 %s  max %s",
                us(s, 0.50), us(s, 0.99), us(s, 0.999), String.format("%.1f µs", s[s.length - 1] / 1e3));
    }

    private static String us(long[] sorted, double p) {
        int rank = Math.max(0, (int) Math.ceil(p * sorted.length) - 1);
        return String.format("%.1f µs", sorted[rank] / 1e3);
    }

    private List<String> caps(Random rnd, int n) {
        var out = new ArrayList<String>();
        while (out.size() < n) {
            String c = "cap" + rnd.nextInt(capabilityPool);
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }
}
