package dev.bosun.bench;

import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a benchmark runs: fresh data dirs (removed at the end unless {@code --keep}), the repository's
 * echo worker, and configs built the way an embedder builds them, through {@link ConfigLoader}.
 */
final class BenchEnv implements AutoCloseable {
    private final Bench.Options options;
    private final List<Path> made = new ArrayList<>();

    BenchEnv(Bench.Options options) {
        this.options = options;
    }

    boolean quick() {
        return options.quick();
    }

    Path workDir() {
        return options.workDir();
    }

    /** A new, empty directory for one store; every measurement starts from nothing on disk. */
    Path freshDir(String name) {
        try {
            Files.createDirectories(options.workDir());
            Path dir = Files.createTempDirectory(options.workDir(), name + "-");
            made.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example echo worker, found by walking up from the working directory. */
    static Path echoWorker() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path w = p.resolve("examples/echo-worker.sh");
            if (Files.isRegularFile(w)) return w;
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find examples/echo-worker.sh above "
                + Path.of("").toAbsolutePath() + "; run from the repository (scripts/bench.sh does)");
    }

    /**
     * The long-lived example worker, examples/EchoWorker.java, run by this JVM's {@code java} with
     * the source launcher; a small heap and serial GC, as one would run many of them.
     */
    static List<String> javaEchoWorker() {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                echoWorker().resolveSibling("EchoWorker.java").toString());
    }

    // A worker that says ready the way the echo worker does (a *.tmp file renamed into the outbox)
    // and then sleeps: the JVM keeps the same state for it as for any worker, but it costs no CPU.
    private static final String QUIET = "printf '{\"event_type\":\"ready\"}\\n' > \"$BOSUN_OUTBOX/ready.tmp\" && "
            + "mv \"$BOSUN_OUTBOX/ready.tmp\" \"$BOSUN_OUTBOX/00000000000000000000-ready.json\" && exec sleep 86400";

    /**
     * A config for {@code dataDir} with the profiles {@code echo} (examples/echo-worker.sh),
     * {@code echo-java} (examples/EchoWorker.java) and {@code quiet} (says ready, then sleeps) and the given keys set from code.
     */
    BosunConfig config(Path dataDir, Map<String, Object> overrides) {
        ConfigLoader loader = ConfigLoader.defaults()
                .set("data_dir", dataDir)
                .set(
                        "profiles",
                        Map.of(
                                "echo",
                                        Map.of(
                                                "command",
                                                List.of("sh", echoWorker().toString())),
                                "echo-java", Map.of("command", javaEchoWorker()),
                                "quiet", Map.of("command", List.of("sh", "-c", QUIET))));
        overrides.forEach(loader::set);
        return loader.load();
    }

    @Override
    public void close() {
        if (options.keep()) {
            made.forEach(d -> System.out.println("kept " + d));
            return;
        }
        for (Path dir : made) delete(dir);
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }
}
