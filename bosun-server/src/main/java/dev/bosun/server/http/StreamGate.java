package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps concurrent long-polls and SSE streams, which each hold a connection (and a virtual thread):
 * {@code max} on the server, and {@code perTenant} for each tenant, so one tenant cannot take every
 * slot (D56).
 */
public final class StreamGate {
    private final int max;
    private final int perTenant;
    private final Map<String, Integer> byTenant = new ConcurrentHashMap<>();
    private int open;
    private volatile Drain drain = new Drain();

    /** The shutdown state that tells streams to end and long-polls to answer. */
    public void drainWith(Drain d) {
        this.drain = d;
    }

    /** Whether the server is shutting down: streams and long-polls end at their next turn. */
    public boolean draining() {
        return drain.draining();
    }

    public StreamGate(int max, int perTenant) {
        this.max = max;
        this.perTenant = Math.min(perTenant, max);
    }

    /** Takes a slot of {@code tenant} or throws LIMIT_REACHED; close the handle (once or more) to give it back. */
    public AutoCloseable enter(String tenant) {
        synchronized (this) {
            if (open >= max) {
                throw BosunException.limit(
                        "the server already holds its maximum of " + max + " long-polls and streams; retry shortly",
                        Map.of("retry_after_seconds", 1, "limit", max, "field", "max_streams"));
            }
            int mine = byTenant.getOrDefault(tenant, 0);
            if (mine >= perTenant) {
                throw BosunException.limit(
                        "this tenant already holds its maximum of " + perTenant
                                + " long-polls and streams; retry shortly",
                        Map.of("retry_after_seconds", 1, "limit", perTenant, "field", "max_streams_per_tenant"));
            }
            open++;
            byTenant.put(tenant, mine + 1);
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) release(tenant);
        };
    }

    private synchronized void release(String tenant) {
        open--;
        byTenant.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
        notifyAll();
    }

    /**
     * The server is shutting down: open streams tell their clients to reconnect (SSE {@code retry:})
     * and end at their next turn, within one keep-alive period. Waits at most {@code bound} for every
     * slot to be given back; returns whether they all were.
     */
    public synchronized boolean drain(java.time.Duration bound) throws InterruptedException {
        drain.start();
        long deadline = System.nanoTime() + bound.toNanos();
        while (open > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Slots held on the server. */
    public synchronized int open() {
        return open;
    }

    /** Slots held by {@code tenant}. */
    public int open(String tenant) {
        return byTenant.getOrDefault(tenant, 0);
    }
}
