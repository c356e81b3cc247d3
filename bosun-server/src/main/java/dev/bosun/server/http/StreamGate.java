package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import java.util.Map;
import java.util.concurrent.Semaphore;

/** Caps concurrent long-polls and SSE streams, which each hold a connection (and a virtual thread). */
public final class StreamGate {
    private final int max;
    private final Semaphore permits;

    public StreamGate(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Takes a permit or throws LIMIT_REACHED; release it with the returned handle. */
    public AutoCloseable enter() {
        if (!permits.tryAcquire()) {
            throw BosunException.limit("the server already holds its maximum of " + max
                    + " long-polls and streams; retry shortly", Map.of("retry_after_seconds", 1, "limit", max,
                    "field", "max_streams"));
        }
        return permits::release;
    }

    public int open() { return max - permits.availablePermits(); }
}
