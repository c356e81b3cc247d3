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

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final String what;
    private final String field;

    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime) {
        this(
                ratePerSecond,
                burst,
                nanoTime,
                "rate limit exceeded: requests per API key (per client address without keys)",
                "rate_limit");
    }

    /**
     * @param what  what is limited, for the message (e.g. "too many failed authentications from this address")
     * @param field the config key that sets the rate, named in the error's details
     */
    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanoTime, String what, String field) {
        this.what = what;
        this.field = field;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code caller} or throws LIMIT_REACHED. A rate of 0 never limits. */
    public void acquire(String caller) {
        take(caller, true);
    }

    /** Throws LIMIT_REACHED if {@code caller} has no token left, without taking one. */
    public void requireToken(String caller) {
        take(caller, false);
    }

    private void take(String caller, boolean consume) {
        if (ratePerNano == 0) return;
        long now = nanoTime.getAsLong();
        Bucket b = buckets.computeIfAbsent(caller, k -> new Bucket(burst, now));
        double waitSeconds;
        synchronized (b) {
            // The clock is read before the lock: a thread holding an older reading than the bucket's last
            // refill must add nothing, not a negative interval (which drained tokens: a spurious 429).
            if (now > b.at) {
                b.tokens = Math.min(burst, b.tokens + (now - b.at) * ratePerNano);
                b.at = now;
            }
            if (b.tokens >= 1) {
                if (consume) b.tokens -= 1;
                return;
            }
            waitSeconds = (1 - b.tokens) / ratePerNano / 1e9;
        }
        long retry = Math.max(1, (long) Math.ceil(waitSeconds));
        throw BosunException.limit(
                what + ": at most " + Math.round(ratePerNano * 1e9) + " per second; retry in " + retry + " s",
                Map.of(
                        "retry_after_seconds",
                        retry,
                        "limit_per_second",
                        Math.round(ratePerNano * 1e9),
                        "field",
                        field));
    }
}
