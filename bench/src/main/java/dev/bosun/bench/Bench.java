package dev.bosun.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one benchmark per JVM: {@code append}, {@code roundtrip}, {@code sweep}, {@code heap},
 * {@code http}, {@code route}, {@code route-large}, {@code tiles}, {@code list} (the dashboard's session pages over 100 000 stored), {@code tasks} (task creation over HTTP, plain and routed) or {@code pg} (PostgreSQL, one and three nodes), or
 * the diagnostic {@code append-sql}.
 * {@code scripts/bench.sh} builds the module and runs each in a fresh JVM, so one benchmark's heap,
 * JIT state and SQLite files never colour another's figures.
 *
 * <p>Options: {@code --quick} (a smoke run: shorter and smaller), {@code --work-dir DIR} (where the
 * fresh data dirs go; default {@code bench/target/bench-data}), {@code --keep} (leave them there).
 */
public final class Bench {
    static final List<String> NAMES = List.of(
            "append",
            "append-sql",
            "roundtrip",
            "sweep",
            "heap",
            "http",
            "route",
            "route-large",
            "tiles",
            "pg",
            "startup",
            "list",
            "tasks");

    private Bench() {}

    /** What every benchmark is told by the command line. */
    record Options(boolean quick, Path workDir, boolean keep) {}

    public static void main(String[] args) throws Exception {
        String name = null;
        boolean quick = false, keep = false;
        Path workDir = Path.of("bench/target/bench-data");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--keep" -> keep = true;
                case "--work-dir" -> {
                    if (++i == args.length) usage("--work-dir needs a directory");
                    workDir = Path.of(args[i]);
                }
                default -> {
                    if (args[i].startsWith("-") || name != null) usage("unexpected argument " + args[i]);
                    name = args[i];
                }
            }
        }
        if (name == null || !NAMES.contains(name))
            usage(name == null ? "no benchmark named" : "unknown benchmark " + name);
        var options = new Options(quick, workDir.toAbsolutePath().normalize(), keep);
        // Workers outlive Bosun by design; a benchmark stopped with Ctrl-C must not leave its own behind.
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        try (var env = new BenchEnv(options)) {
            Machine.report(env).print();
            switch (name) {
                case "append" -> new AppendBench(env).run();
                case "append-sql" -> new AppendSqlDiagnosis(env).run();
                case "roundtrip" -> new RoundtripBench(env).run();
                case "sweep" -> new SweepBench(env).run();
                case "heap" -> new HeapBench(env).run();
                case "http" -> new HttpBench(env).run();
                case "route" -> new RouteBench(env, false).run();
                case "route-large" -> new RouteBench(env, true).run();
                case "tiles" -> new TilesBench(env).run();
                case "pg" -> new PgBench(env).run();
                case "startup" -> new StartupBench(env).run();
                case "list" -> new ListBench(env).run();
                case "tasks" -> new TasksBench(env).run();
                default -> throw new AssertionError(name);
            }
        }
        // Daemon threads of closed managers (process reapers, watchers) must not keep the JVM up.
        System.exit(0);
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: Bench " + String.join("|", NAMES) + " [--quick] [--work-dir DIR] [--keep]");
        System.exit(2);
    }
}
