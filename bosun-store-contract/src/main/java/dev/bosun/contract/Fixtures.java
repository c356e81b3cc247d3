package dev.bosun.contract;

import dev.bosun.config.BosunConfig;
import dev.bosun.config.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared test fixtures: configs with the example echo worker, and paths into the repository. */
public final class Fixtures {
    private Fixtures() {}

    /** The repository root, found by walking up from the working directory to the examples. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.exists(p.resolve("examples/echo-worker.sh"))) return p;
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find examples/echo-worker.sh above " + Path.of("").toAbsolutePath());
    }

    /**
     * Whether a process is running, read from /proc: unlike {@code ProcessHandle.isAlive()}, a zombie
     * (dead but not reaped, as orphans are on machines whose init does not reap) counts as gone.
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public static Path echoWorker() { return repoRoot().resolve("examples/echo-worker.sh"); }

    public static Profile profile(String name, List<String> command, boolean keepWorkspace) {
        return new Profile(name, "process", command, Map.of(), keepWorkspace, Duration.ofSeconds(20),
                Duration.ofSeconds(2), Profile.Limits.NONE);
    }

    /** A config with test-friendly defaults and profiles {@code echo}, {@code keep}, {@code exit3}, {@code missing}, {@code chatty}. */
    public static BosunConfig config(Path dataDir) {
        return config(dataDir, true, 1000);
    }

    public static BosunConfig config(Path dataDir, boolean enabled, int maxSessions) {
        String echo = echoWorker().toString();
        Map<String, Profile> profiles = Map.of(
                "echo", profile("echo", List.of("sh", echo), false),
                "keep", profile("keep", List.of("sh", echo), true),
                "exit3", profile("exit3", List.of("sh", "-c", "exit 3"), false),
                "missing", profile("missing", List.of("/nonexistent/bin/worker"), false),
                "chatty", profile("chatty", List.of("sh", "-c", "echo hello-out; echo hello-err >&2; i=0; "
                        + "while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
                        + "i=$((i+1)); done; exec sh " + echo), false));
        return new BosunConfig(enabled, dataDir, "local",
                Duration.ofMinutes(30), Duration.ofHours(24),
                256 * 1024, 100, Duration.ofSeconds(30),
                50, Duration.ofSeconds(300), maxSessions,
                Duration.ofDays(7), Duration.ofSeconds(20), Duration.ofMillis(200),
                1024 * 1024, Optional.empty(), profiles);
    }

    public static BosunConfig withWorkerLogMaxBytes(BosunConfig c, long bytes) {
        return new BosunConfig(c.sessionsEnabled(), c.dataDir(), c.nodeId(), c.idleTimeout(), c.ttl(), c.maxMessageBytes(),
                c.maxEventsPerPoll(), c.maxPollWait(), c.maxTasks(), c.taskTimeout(), c.maxSessions(), c.retention(),
                c.startupTimeout(), c.outboxRescan(), bytes, c.modelCache(), c.profiles());
    }

    /** Same config with one value changed, via a fresh record. */
    public static BosunConfig withMaxMessageBytes(BosunConfig c, int bytes) {
        return new BosunConfig(c.sessionsEnabled(), c.dataDir(), c.nodeId(), c.idleTimeout(), c.ttl(), bytes,
                c.maxEventsPerPoll(), c.maxPollWait(), c.maxTasks(), c.taskTimeout(), c.maxSessions(), c.retention(),
                c.startupTimeout(), c.outboxRescan(), c.workerLogMaxBytes(), c.modelCache(), c.profiles());
    }
}
