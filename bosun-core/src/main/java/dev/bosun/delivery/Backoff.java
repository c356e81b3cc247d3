package dev.bosun.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of {@code min · 2^(n-1)},
 * capped at {@code max}. The random half spreads retries of many lanes that failed together, so a
 * recovering receiver is not hit by all of them in the same instant.
 */
public record Backoff(Duration min, Duration max, RandomGenerator random) {

    /** The delay before the attempt after {@code failedAttempts} failures (≥ 1). */
    public Duration delay(int failedAttempts) {
        long minMs = Math.max(1, min.toMillis());
        int shift = Math.min(Math.max(failedAttempts, 1) - 1, 40);
        long ceiling = Math.min(Math.max(1, max.toMillis()), saturatingShift(minMs, shift));
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }

    private static long saturatingShift(long v, int shift) {
        return v > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : v << shift;
    }
}
