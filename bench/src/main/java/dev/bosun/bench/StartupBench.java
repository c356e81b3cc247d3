package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.bwrap.BwrapSandbox;
import dev.bosun.sandbox.docker.DockerSandbox;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Create → first outbox event, per runtime: {@code createSession} with a profile whose worker writes
 * one outbox event at once, until that event can be polled. One session at a time; each is ended
 * before the next (ending is not timed). For Docker, the same image is also run bare with
 * {@code docker run --rm} in the same run, as the yardstick for the cold start.
 */
final class StartupBench {
    static final String IMAGE = System.getenv().getOrDefault("BOSUN_TEST_IMAGE", "bosun-test-busybox:1");
    private static final String HELLO = "printf '{\"event_type\":\"hello\"}\\n' > \"$BOSUN_OUTBOX/h.tmp\" && "
            + "mv \"$BOSUN_OUTBOX/h.tmp\" \"$BOSUN_OUTBOX/h.json\"; exec sleep 600";
    private static final int WARM = 2;
    /** Debian's client, matching its daemon, when installed; whatever is on PATH otherwise. */
    private static final String DOCKER_CLI =
            java.nio.file.Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";

    private final BenchEnv env;
    private final int iterations;

    StartupBench(BenchEnv env) {
        this.env = env;
        this.iterations = env.quick() ? 5 : 40;
    }

    void run() throws Exception {
        Path dir = env.freshDir("startup");
        Map<String, Object> profiles = new LinkedHashMap<>();
        profiles.put("process", Map.of("command", List.of("sh", "-c", HELLO)));
        profiles.put("bwrap", Map.of("runtime", "bwrap", "command", List.of("sh", "-c", HELLO)));
        profiles.put("docker", Map.of("runtime", "docker", "image", IMAGE, "command", List.of("sh", "-c", HELLO)));
        profiles.put(
                "docker-warm",
                Map.of("runtime", "docker", "image", IMAGE, "warm_pool", WARM, "command", List.of("sh", "-c", HELLO)));
        var config = env.config(dir, Map.of("profiles", profiles));
        var bwrap = new BwrapSandbox();
        var docker = new DockerSandbox(config.sandbox().dockerSocket());
        var report = new Report("startup");
        report.line(
                "what",
                "createSession(profile) -> the worker's first outbox event polled; " + iterations
                        + " sessions per runtime, one at a time, after 3 warm-up");
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config)
                        .store(store)
                        .sandbox(bwrap)
                        .sandbox(docker)
                        .build()) {
            measure(manager, "process", null, report);
            measure(manager, "bwrap", bwrap, report);
            measure(manager, "docker", docker, report);
            measure(manager, "docker-warm", docker, report);
            if (docker.availability().usable()) report.line("bare docker run", bareDockerRun());
        } finally {
            bwrap.close();
            docker.close();
        }
        report.line(
                "targets",
                Report.verdict(p50("bwrap") < 50_000_000, "bwrap p50 < 50 ms") + "; "
                        + Report.verdict(p50("docker-warm") < 50_000_000, "warm-pool docker p50 < 50 ms"));
        report.print();
    }

    private final Map<String, Latencies.Summary> results = new LinkedHashMap<>();

    private long p50(String name) {
        var s = results.get(name);
        return s == null ? Long.MAX_VALUE : s.p50();
    }

    private void measure(SessionManager manager, String profile, Sandbox sandbox, Report report) throws Exception {
        if (sandbox != null && !sandbox.availability().usable()) {
            report.line(profile, "not measured: " + sandbox.availability().detail());
            return;
        }
        var created = new Latencies();
        var firstEvent = new Latencies();
        for (int i = 0; i < 3 + iterations; i++) {
            if (profile.equals("docker-warm")) awaitWarm(manager);
            long t0 = System.nanoTime();
            Session s = manager.startSession(SessionConfig.builder("bench-startup", "bench")
                    .profile(profile)
                    .build());
            long t1 = System.nanoTime();
            RoundtripBench.awaitType(manager, s.id(), 0, "hello", -1);
            long t2 = System.nanoTime();
            manager.terminate(s.id(), "measured");
            if (i >= 3) {
                created.add(t1 - t0);
                firstEvent.add(t2 - t0);
            }
        }
        results.put(profile, firstEvent.summary());
        report.line(profile, firstEvent.summary());
        report.line("  createSession() returns", created.summary());
    }

    /** The warm pool refills in the background after each claim; a claim is measured only with a full pool. */
    private static void awaitWarm(SessionManager manager) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var p = new ProcessBuilder(
                            DOCKER_CLI,
                            "ps",
                            "-q",
                            "--filter",
                            "label=bosun.warm",
                            "--filter",
                            "label=bosun.node=" + manager.workerNode(),
                            "--filter",
                            "status=running")
                    .redirectErrorStream(true)
                    .start();
            long n = new String(p.getInputStream().readAllBytes())
                    .lines()
                    .filter(l -> !l.isBlank())
                    .count();
            p.waitFor();
            if (n >= WARM) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("the warm pool did not fill within 30 s");
    }

    /** {@code docker run --rm --network none IMAGE sh -c 'echo hello'}, start to exit, as the CLI does it. */
    private String bareDockerRun() throws Exception {
        var l = new Latencies();
        for (int i = 0; i < 3 + iterations; i++) {
            long t0 = System.nanoTime();
            var p = new ProcessBuilder(new ArrayList<>(
                            List.of(DOCKER_CLI, "run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hello")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (p.waitFor() != 0) throw new IllegalStateException("docker run failed: " + p.exitValue());
            if (i >= 3) l.add(System.nanoTime() - t0);
        }
        return l.summary() + " (CLI start to exit, --rm included)";
    }
}
