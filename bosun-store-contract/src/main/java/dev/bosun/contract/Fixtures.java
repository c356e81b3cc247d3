package dev.bosun.contract;

import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.config.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        throw new IllegalStateException(
                "cannot find examples/echo-worker.sh above " + Path.of("").toAbsolutePath());
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

    public static Path echoWorker() {
        return repoRoot().resolve("examples/echo-worker.sh");
    }

    public static Profile profile(String name, List<String> command, boolean keepWorkspace) {
        return new Profile(
                name,
                "process",
                command,
                Map.of(),
                keepWorkspace,
                Duration.ofSeconds(20),
                Duration.ofSeconds(2),
                Profile.Limits.NONE);
    }

    /** A config with test-friendly defaults and profiles {@code echo}, {@code keep}, {@code exit3}, {@code missing}, {@code chatty}. */
    public static BosunConfig config(Path dataDir) {
        return config(dataDir, true, 1000);
    }

    public static BosunConfig config(Path dataDir, boolean enabled, int maxSessions) {
        return loader(dataDir)
                .set("sessions_enabled", enabled)
                .set("max_sessions", maxSessions)
                .load();
    }

    /**
     * A loader with the test profiles and fast rescans, for tests that change more keys:
     * {@code Fixtures.loader(dir).set("max_message_bytes", "4KiB").load()}.
     */
    public static ConfigLoader loader(Path dataDir) {
        String echo = echoWorker().toString();
        Map<String, Profile> profiles = Map.of(
                "echo", profile("echo", List.of("sh", echo), false),
                "keep", profile("keep", List.of("sh", echo), true),
                "exit3", profile("exit3", List.of("sh", "-c", "exit 3"), false),
                "missing", profile("missing", List.of("/nonexistent/bin/worker"), false),
                "chatty",
                        profile(
                                "chatty",
                                List.of(
                                        "sh",
                                        "-c",
                                        "echo hello-out; echo hello-err >&2; i=0; "
                                                + "while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; "
                                                + "i=$((i+1)); done; exec sh " + echo),
                                false));
        return ConfigLoader.defaults()
                .set("data_dir", dataDir)
                .set("startup_timeout", Duration.ofSeconds(20))
                .set("outbox_rescan", Duration.ofMillis(200))
                .set("profiles", profiles);
    }

    public static BosunConfig withWorkerLogMaxBytes(BosunConfig c, long bytes) {
        return loader(c.dataDir()).set("worker_log_max_bytes", bytes).load();
    }

    public static BosunConfig withMaxMessageBytes(BosunConfig c, int bytes) {
        return loader(c.dataDir()).set("max_message_bytes", bytes).load();
    }
}
