package dev.bosun.server.auth;

import dev.bosun.error.BosunException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per caller (API key, or client address without keys): {@code rate} tokens a
 * second up to {@code burst}. Over the limit the caller gets LIMIT_REACHED with the seconds until a
 * token is back, which the edge turns into {@code Retry-After}.
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) { this.tokens = tokens; this.at = at; }
    }

    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code caller} or throws LIMIT_REACHED. */
    public void acquire(String caller) {
        long now = nanoTime.getAsLong();
        Bucket b = buckets.computeIfAbsent(caller, k -> new Bucket(burst, now));
        double waitSeconds;
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * ratePerNano);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            waitSeconds = (1 - b.tokens) / ratePerNano / 1e9;
        }
        long retry = Math.max(1, (long) Math.ceil(waitSeconds));
        throw BosunException.limit("rate limit exceeded: at most " + Math.round(ratePerNano * 1e9)
                + " requests per second per API key; retry in " + retry + " s",
                Map.of("retry_after_seconds", retry, "limit_per_second", Math.round(ratePerNano * 1e9)));
    }
}
