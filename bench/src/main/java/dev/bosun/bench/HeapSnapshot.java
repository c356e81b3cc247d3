package dev.bosun.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Used heap after garbage collection, with a class histogram (as {@code jcmd GC.class_histogram})
 * so that a difference in bytes can be traced to the classes holding it. The histogram is kept in a
 * file, not on the heap: a map of some 1 500 classes is ~200 KB, which would otherwise sit in the
 * "after" reading and not in the "before" one.
 */
record HeapSnapshot(long usedBytes, Path histogram, int platformThreads, long rssBytes) {

    static HeapSnapshot take(Path histogramFile) throws Exception {
        long used = settledUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long rss = rss();
        Files.writeString(histogramFile, histogramText());
        return new HeapSnapshot(used, histogramFile, threads, rss);
    }

    // Collects until two readings agree within 64 KiB: one System.gc() can leave garbage that only
    // the next one frees (reference processing, cleaners).
    private static long settledUsed() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) return Math.min(previous, used);
            previous = used;
        }
        return previous;
    }

    private static String histogramText() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
    }

    /** Class name -> {instances, bytes}. */
    private Map<String, long[]> classes() {
        var out = new HashMap<String, long[]>();
        try {
            for (String line : Files.readAllLines(histogram)) {
                String[] f = line.trim().split("\\s+");
                // "  12:   3456   789012  java.lang.String (java.base@25)"
                if (f.length < 4 || !f[0].endsWith(":")) continue;
                try {
                    out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException ignored) {
                    // the header or the total line
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static long rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Classes whose footprint grew most from {@code before} to this snapshot: "name +instances (+bytes)". */
    List<String> grownSince(HeapSnapshot before, int top) {
        Map<String, long[]> was = before.classes();
        return classes().entrySet().stream()
                .map(e -> {
                    long[] b = was.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .filter(e -> e.getValue()[1] > 0)
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1])
                        .reversed())
                .limit(top)
                .map(e -> String.format("%s +%,d (+%,d B)", e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
    }

    /** Bytes of all live objects, from the histogram's total line (the heap reading also counts partly filled regions). */
    long liveBytes() {
        try {
            for (String line : Files.readAllLines(histogram)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("Total")) return Long.parseLong(f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no total line in " + histogram);
    }

    /** Instances of the library's own classes (not the benchmark's), summed. */
    long bosunInstances() {
        return classes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dev.bosun.") && !e.getKey().startsWith("dev.bosun.bench."))
                .mapToLong(e -> e.getValue()[0])
                .sum();
    }
}
