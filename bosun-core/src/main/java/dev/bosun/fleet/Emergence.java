package dev.bosun.fleet;

/**
 * The emergence rule: β₁ &gt; V + offset (offset −2 by default, so "β₁ &gt; V − 2"). Alerts fire on the
 * crossing into emergence, not on every decision while above; after the graph drops back to or
 * below the threshold, the next crossing fires again. Thread-safe.
 */
public final class Emergence {
    private final int offset;
    private boolean above;

    public Emergence(int offset) {
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }

    public long threshold(long vertices) {
        return vertices + offset;
    }

    public boolean emergent(long h1, long vertices) {
        return h1 > threshold(vertices);
    }

    /** Margin h1 − threshold: positive means emergent. */
    public long margin(long h1, long vertices) {
        return h1 - threshold(vertices);
    }

    /** Records the graph's state; true exactly when this observation crosses into emergence. */
    public synchronized boolean crossed(long h1, long vertices) {
        boolean now = emergent(h1, vertices);
        boolean fired = now && !above;
        above = now;
        return fired;
    }

    public synchronized void reset() {
        above = false;
    }

    /** The risk the routing decision reports for a margin: ≤ 0 → 0.0, 1 → 0.3, 2 → 0.6, ≥ 3 → 0.9. */
    public static double risk(long margin) {
        if (margin <= 0) return 0.0;
        if (margin == 1) return 0.3;
        if (margin == 2) return 0.6;
        return 0.9;
    }
}
