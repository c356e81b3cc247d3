package dev.bosun.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU used over a window by the whole process and by its platform threads grouped by name. A
 * profiler-free way to see where the time goes: whether SQLite's single writer thread is the
 * bottleneck (near 100% of one core) or waits, and how much the callers' side (virtual threads run
 * on the ForkJoinPool carriers), the JIT and the GC take.
 */
final class CpuMeter {
    static final String WRITER = "bosun-sqlite-writer";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long wall0, process0;
    private final Map<Long, Long> threads0;

    private CpuMeter() {
        this.wall0 = System.nanoTime();
        this.process0 = OS.getProcessCpuTime();
        this.threads0 = threadTimes();
    }

    static CpuMeter start() {
        return new CpuMeter();
    }

    private static Map<Long, Long> threadTimes() {
        var out = new HashMap<Long, Long>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) out.put(id, t);
        }
        return out;
    }

    /** Cores used: the process and each thread group, over the window. */
    record Usage(double processCores, Map<String, Double> groups) {
        double group(String name) {
            return groups.getOrDefault(name, 0.0);
        }

        @Override
        public String toString() {
            String top = groups.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .filter(e -> e.getValue() >= 0.01)
                    .limit(5)
                    .map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "));
            return String.format(
                    "process %.2f of %d cores = %s",
                    processCores, Runtime.getRuntime().availableProcessors(), top);
        }
    }

    Usage stop() {
        double wall = System.nanoTime() - wall0;
        double process = OS.getProcessCpuTime() - process0;
        var groups = new HashMap<String, Double>();
        for (var e : threadTimes().entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            if (info == null) continue;
            long used = e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
            groups.merge(group(info.getThreadName()), used / wall, Double::sum);
        }
        return new Usage(process / wall, groups);
    }

    // "ForkJoinPool-1-worker-3" -> "ForkJoinPool-worker" (virtual-thread carriers), "C2 CompilerThread0" -> "C2
    // CompilerThread"
    private static String group(String name) {
        if (name.startsWith("ForkJoinPool-")) return "carriers (virtual threads)";
        if (name.startsWith("G1 ") || name.startsWith("GC ")) return "gc";
        if (name.contains("CompilerThread")) return "jit";
        return name.replaceAll("[-#\\s]*\\d+$", "");
    }
}
