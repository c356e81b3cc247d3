package dev.bosun.bench;

import java.util.Arrays;

/** Recorded durations in nanoseconds; grows as needed. One per thread: it is not thread-safe. */
final class Latencies {
    private long[] values = new long[1024];
    private int size;

    void add(long nanos) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    static Latencies merge(Iterable<Latencies> parts) {
        var all = new Latencies();
        for (Latencies p : parts) {
            for (int i = 0; i < p.size; i++) all.add(p.values[i]);
        }
        return all;
    }

    /** Percentiles by nearest rank over a sorted copy. */
    Summary summary() {
        if (size == 0) throw new IllegalStateException("no samples");
        long[] s = Arrays.copyOf(values, size);
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) sum += v;
        return new Summary(size, s[rank(0.50)], s[rank(0.90)], s[rank(0.99)], s[size - 1], (long) (sum / size));
    }

    private int rank(double p) {
        return Math.max(0, (int) Math.ceil(p * size) - 1);
    }

    record Summary(int n, long p50, long p90, long p99, long max, long mean) {
        @Override
        public String toString() {
            return String.format(
                    "p50 %s  p90 %s  p99 %s  max %s  (mean %s, n=%,d)",
                    Report.ms(p50), Report.ms(p90), Report.ms(p99), Report.ms(max), Report.ms(mean), n);
        }
    }
}
