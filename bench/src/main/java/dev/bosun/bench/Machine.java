package dev.bosun.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.stream.Collectors;

/** Facts about the machine a run happened on; printed first, so every result carries its context. */
final class Machine {
    private Machine() {}

    static Report report(BenchEnv env) {
        var r = new Report("machine");
        r.line("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS));
        r.line(
                "cpu",
                cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors available to the JVM");
        r.line("memory", memTotal());
        // The machine may be shared; a busy one explains a slow run.
        r.line("load average", loadAverage() + " (1, 5, 15 min) at the start");
        r.line(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        r.line("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        r.line(
                "gc / max heap",
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                                .map(GarbageCollectorMXBean::getName)
                                .collect(Collectors.joining(", "))
                        + " / " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        r.line("sqlite", sqliteVersion());
        r.line("data dirs under", env.workDir() + " (" + fileSystem(env.workDir()) + ")");
        r.line("mode", env.quick() ? "QUICK (smoke run; figures are not the benchmark's)" : "full");
        return r;
    }

    static String sqliteVersion() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT sqlite_version()")) {
            r.next();
            return "SQLite " + r.getString(1) + " via sqlite-jdbc "
                    + c.getMetaData().getDriverVersion();
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown cpu");
        } catch (IOException e) {
            return "unknown cpu";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .map(kib -> String.format("%.1f GiB", kib / 1024.0 / 1024.0))
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException | NumberFormatException e) {
            return "unknown";
        }
    }

    private static String fileSystem(Path dir) {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) p = p.getParent();
            var store = Files.getFileStore(p == null ? Path.of("/") : p);
            return store.type() + " on " + store.name();
        } catch (IOException e) {
            return "unknown file system";
        }
    }
}
