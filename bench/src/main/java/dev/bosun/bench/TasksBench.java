package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.server.BosunServer;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What routing costs a task created through the HTTP API (issue 14): {@code POST /v1/sessions/{id}/tasks}
 * with {@code h1_router_enabled} and required capabilities (each task routed, its edge written in the
 * task's transaction) beside the same call without capabilities (no routing), 64 clients each, in the
 * same run and server; and durable decisions ({@code POST /v1/route}) with 1 and 64 clients, whose
 * edges SQLite's writer group-commits as it does sends. The fleet is the {@code route} workload's:
 * 1,000 agents with 3-8 capabilities from a pool of 40.
 */
final class TasksBench {
    private static final int CLIENTS = 64;
    private static final int SESSIONS = 64;
    private static final int AGENTS = 1000;
    private static final int POOL = 40;

    private final BenchEnv env;
    private final Duration measure;
    private final Duration warm;

    TasksBench(BenchEnv env) {
        this.env = env;
        // 30 s cases: over 5 s cases the plain rate drifted as much as routing costs (2,091 -> 3,013/s in one run).
        this.measure = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
        this.warm = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
    }

    void run() throws Exception {
        Path dir = env.freshDir("tasks");
        var config = env.config(
                dir,
                Map.of(
                        "port",
                        0,
                        "rate_limit",
                        1_000_000,
                        "rate_burst",
                        10_000_000,
                        "max_sessions",
                        100_000,
                        "max_tasks",
                        10_000,
                        "h1_router_enabled",
                        true));
        var report = new Report("Task creation over HTTP, plain and routed (" + CLIENTS + " clients, "
                + measure.toSeconds() + " s per case, " + warm.toSeconds() + " s per warm-up and durable case)");
        // Raised from the default (100/s, burst 200 per caller; all of wrk's connections are one caller,
        // 127.0.0.1) so the limiter never answers 429 here: the benchmark measures the server, not the limit.
        report.line(
                "rate limit",
                Report.rate(config.server().rateLimit()) + " per caller, burst "
                        + config.server().rateBurst() + " (the default is 100/s, burst 200)");
        var rnd = new Random(42);
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config).store(store).build();
                var server = BosunServer.start(config, manager)) {
            String base = server.url().toString();
            for (int a = 0; a < AGENTS; a++)
                manager.fleet().register("default", "agent-" + a, caps(rnd, 3 + rnd.nextInt(6)));
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++)
                sessions.add(manager.startSession(
                                SessionConfig.builder("tasks-" + i, "bench").build())
                        .id());
            List<String> routedBodies = new ArrayList<>();
            for (int c = 0; c < POOL; c++)
                routedBodies.add("{\"name\":\"t\",\"required_capabilities\":[\"cap" + c + "\"]}");
            List<String> routeBodies = new ArrayList<>();
            for (int c = 0; c < POOL; c++)
                routeBodies.add("{\"task_id\":\"r-%ID%\",\"required_capabilities\":[\"cap" + c + "\"]}");
            String plainBody = "{\"name\":\"t\"}";
            List<String> taskPaths = new ArrayList<>();
            for (String s : sessions) taskPaths.add("/v1/sessions/" + s + "/tasks");
            Load load = Wrk.available() ? new WrkLoad(base, dir) : new JavaLoad(base);
            Case plain = new Case(taskPaths, List.of(plainBody));
            Case routed = new Case(taskPaths, routedBodies);
            Case route = new Case(List.of("/v1/route"), routeBodies);
            // Warm both paths at full load, then measure in the order plain, routed, routed, plain: a rate
            // that drifts during the run (JIT, the growing task table) then favours neither side.
            load.rate(plain, CLIENTS, warm);
            load.rate(routed, CLIENTS, warm);
            var plainCpu = new CpuPerTask();
            var routedCpu = new CpuPerTask();
            double plain1 = plainCpu.measure(() -> load.rate(plain, CLIENTS, measure));
            double routed1 = routedCpu.measure(() -> load.rate(routed, CLIENTS, measure));
            double routed2 = routedCpu.measure(() -> load.rate(routed, CLIENTS, measure));
            double plain2 = plainCpu.measure(() -> load.rate(plain, CLIENTS, measure));
            double plainRate = (plain1 + plain2) / 2, routedRate = (routed1 + routed2) / 2;
            report.line("load generator", load.describe());
            report.line(
                    "task creations/s, plain",
                    Report.rate(plainRate) + "   (runs " + Report.rate(plain1) + ", " + Report.rate(plain2) + ")");
            report.line(
                    "task creations/s, routed",
                    Report.rate(routedRate) + "   (runs " + Report.rate(routed1) + ", " + Report.rate(routed2) + ")");
            double cost = 1 - routedRate / plainRate;
            report.line(
                    "routing's cost",
                    String.format("%.1f %% of the plain rate   ", 100 * cost) + Report.verdict(cost < 0.10, "< 10 %"));
            // The server's CPU per task (wrk is another process): on a loaded machine the rates are mostly the
            // queue for a core, and the CPU a task costs is the figure a change moves.
            report.line("server CPU per task, plain", plainCpu.toString());
            report.line("server CPU per task, routed", routedCpu.toString());
            report.line(
                    "routing's cost in server CPU",
                    String.format("%.1f %% more per task", 100 * (routedCpu.perTask() / plainCpu.perTask() - 1)));
            double one = load.rate(route, 1, warm);
            double many = load.rate(route, CLIENTS, warm);
            report.line("durable decisions/s (POST /v1/route), 1 client", Report.rate(one));
            report.line(
                    "durable decisions/s (POST /v1/route), " + CLIENTS + " clients",
                    Report.rate(many) + String.format("   %.1f x one client", many / one));
        }
        report.text("Each routed task is one decision by the built-in router and its edge, written with the task "
                + "in one transaction; the SQLite writer group-commits concurrent requests. The server and the "
                + "clients share the machine's 2 cores.");
        report.print();
    }

    /** The server JVM's CPU over the measured runs of one case, per task created. */
    private static final class CpuPerTask {
        private double tasks, process, writer;

        interface Run {
            double rate() throws Exception;
        }

        /** Runs one measured case; its rate. */
        double measure(Run run) throws Exception {
            long t0 = System.nanoTime();
            var cpu = CpuMeter.start();
            double rate = run.rate();
            var used = cpu.stop();
            double seconds = (System.nanoTime() - t0) / 1e9;
            tasks += rate * seconds;
            process += used.processCores() * seconds;
            writer += used.group(CpuMeter.WRITER) * seconds;
            return rate;
        }

        /** Seconds of the process's CPU per task (its JIT and GC threads included). */
        double perTask() {
            return process / tasks;
        }

        @Override
        public String toString() {
            return String.format(
                    "%.0f us (of which the SQLite writer thread %.0f us)", perTask() * 1e6, writer / tasks * 1e6);
        }
    }

    /** Requests round-robin over paths and bodies; {@code %ID%} in a body becomes an id unique in the run. */
    private record Case(List<String> paths, List<String> bodies) {}

    /** Where the load comes from: wrk when installed (it leaves the server the CPU), else JVM clients. */
    private sealed interface Load permits WrkLoad, JavaLoad {
        double rate(Case c, int clients, Duration d) throws Exception;

        String describe();
    }

    private record WrkLoad(String base, Path dir) implements Load {
        @Override
        public double rate(Case c, int clients, Duration d) throws Exception {
            return Wrk.post(base, c.paths(), c.bodies(), clients, d, dir);
        }

        @Override
        public String describe() {
            return "wrk (C, epoll; 2 threads, one connection per client)";
        }
    }

    private record JavaLoad(String base) implements Load {
        private static final AtomicLong IDS = new AtomicLong();

        @Override
        public double rate(Case c, int clients, Duration d) throws Exception {
            return HttpBench.load(clients, d, i -> {
                long n = IDS.incrementAndGet();
                String body = c.bodies().get((int) (n % c.bodies().size())).replace("%ID%", Long.toString(n));
                HttpBench.post(base + c.paths().get((int) (n % c.paths().size())), body);
            });
        }

        @Override
        public String describe() {
            return "java.net.http clients on virtual threads, in the server's JVM (wrk not found)";
        }
    }

    private static List<String> caps(Random rnd, int n) {
        var out = new ArrayList<String>();
        while (out.size() < n) {
            String c = "cap" + rnd.nextInt(POOL);
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }
}
