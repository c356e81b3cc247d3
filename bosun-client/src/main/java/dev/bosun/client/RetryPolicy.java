package dev.bosun.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to try a failed call again and how long to wait first. Pure: the caller supplies the jitter
 * and the clock, so every decision can be checked in a unit test.
 *
 * <p>Only calls that are safe to repeat are retried: GETs, and POSTs, which carry an
 * {@code Idempotency-Key} so the server applies them once however many times they arrive. Retried
 * failures are the ones that say "try later": no answer at all (connect error, timeout),
 * 502/503/504, 429 when the server named a {@code Retry-After}, and 409 with a {@code Retry-After}
 * (the server's {@code IDEMPOTENCY_KEY_IN_PROGRESS}: the first attempt is still being answered). A
 * 429 without one is a cap (sessions, tasks) that waiting a few seconds will not lift.
 *
 * @param retries        retries after the first attempt; 0 turns retrying off
 * @param initialBackoff the base delay before the first retry, doubled for each further one
 * @param maxBackoff     the cap on one computed backoff delay
 * @param maxRetryAfter  the longest {@code Retry-After} the client waits out; a longer one is handed to
 *                       the caller as the error (with {@code retry_after_seconds}) instead of blocking
 */
record RetryPolicy(int retries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    static final RetryPolicy DEFAULT =
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));

    RetryPolicy {
        if (retries < 0) throw new IllegalArgumentException("retries must be >= 0; got " + retries);
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must satisfy 0 <= initial <= max; got " + initialBackoff + ", " + maxBackoff);
        }
    }

    /**
     * What went wrong with one attempt.
     *
     * @param status     the HTTP status, or {@link #NO_RESPONSE} when none came back (refused, reset, timed out)
     * @param retryAfter the server's {@code Retry-After}, when it sent one
     */
    record Failure(int status, Optional<Duration> retryAfter) {
        static final int NO_RESPONSE = 0;

        static Failure noResponse() {
            return new Failure(NO_RESPONSE, Optional.empty());
        }

        static Failure status(int status, Optional<Duration> retryAfter) {
            return new Failure(status, retryAfter);
        }

        /** Whether this failure means "the server (or the way to it) is not available now". */
        boolean transientUnavailable() {
            return status == NO_RESPONSE || status == 502 || status == 503 || status == 504;
        }
    }

    /**
     * The delay before the next attempt, or empty to give up and report {@code failure}.
     *
     * @param idempotent   whether the call may be repeated without changing the outcome
     * @param failuresSoFar how many attempts have failed, including this one (1 after the first failure)
     * @param jitter       a random number in [0, 1)
     */
    Optional<Duration> delayBeforeRetry(boolean idempotent, Failure failure, int failuresSoFar, double jitter) {
        if (!idempotent || failuresSoFar > retries) return Optional.empty();
        if (failure.status() == 429 || failure.status() == 409) {
            return failure.retryAfter().filter(d -> d.compareTo(maxRetryAfter) <= 0);
        }
        if (!failure.transientUnavailable()) return Optional.empty();
        // A 503 naming when to come back is better informed than our own guess, within the same bound.
        if (failure.retryAfter().isPresent()) {
            return failure.retryAfter().filter(d -> d.compareTo(maxRetryAfter) <= 0);
        }
        return Optional.of(backoff(failuresSoFar, jitter));
    }

    /**
     * Exponential backoff with full jitter: a random delay between zero and the exponential bound, so
     * clients that failed together spread out over the whole interval (D79).
     */
    Duration backoff(int failuresSoFar, double jitter) {
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1); got " + jitter);
        long base = initialBackoff.toMillis();
        long max = maxBackoff.toMillis();
        int shift = Math.min(Math.max(failuresSoFar - 1, 0), 30);
        long exp = base > (max >> shift) ? max : Math.min(max, base << shift);
        // At least 1 ms, so a follower that keeps failing never spins without yielding.
        return Duration.ofMillis(Math.max(Math.min(exp, 1), (long) (exp * jitter)));
    }

    /**
     * Parses a {@code Retry-After} header: delta-seconds or an HTTP-date. Unreadable or negative values
     * are ignored rather than failing the call, since the header is only advice.
     */
    static Optional<Duration> parseRetryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) return Optional.empty();
        String v = header.get().trim();
        if (v.isEmpty()) return Optional.empty();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException tooLong) {
                return Optional.empty();
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
