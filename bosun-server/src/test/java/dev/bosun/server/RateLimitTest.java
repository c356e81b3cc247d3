package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.auth.RateLimiter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest extends ServerHarness {

    @Test
    void overTheRateAKeyGets429WithRetryAfter() {
        start(l -> l.set("rate_limit", 1).set("rate_burst", 3));
        for (int i = 0; i < 3; i++) assertThat(get("/v1/sessions").status()).isEqualTo(200);
        Res limited = get("/v1/sessions");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("LIMIT_REACHED");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(get("/healthz").status()).isEqualTo(200); // not rate limited
    }

    /** Loopback-only without keys: a local fleet making hundreds of calls at once is not throttled. */
    @Test
    void keylessLoopbackIsNotRateLimitedByDefault() {
        start();
        assertThat(config.server().rateLimit()).isZero();
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try (pool) {
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            // 600 calls from 8 clients at once; before, the 201st within a second or two was refused
            for (int c = 0; c < 8; c++) {
                answers.add(pool.submit(() -> {
                    for (int i = 0; i < 75; i++) {
                        int status = get("/v1/sessions?limit=1").status();
                        if (status != 200) return status;
                    }
                    return 200;
                }));
            }
            for (var a : answers) assertThat(a.get()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void failedAuthenticationsAreLimitedPerAddressBeforeTheKeyIsChecked() {
        var now = new AtomicLong();
        nanoTime = now::get; // no refill while the test counts
        start(l -> l.set("api_keys", java.util.List.of("t:" + ApiKeys.sha256("right")))
                .set("auth_failure_rate", 2));
        for (int i = 0; i < 4; i++)
            assertThat(call("GET", "/v1/sessions", null, "guess-" + i).status()).isEqualTo(401); // burst 2 × 2
        Res limited = call("GET", "/v1/sessions", null, "guess-5");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("LIMIT_REACHED");
        assertThat(limited.json().at("/error/details/field").asText()).isEqualTo("auth_failure_rate");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(call("GET", "/v1/sessions", null, "right").status())
                .as("not even a right key is checked now")
                .isEqualTo(429);
        assertThat(call("GET", "/v1/sessions", null, null).status()).isEqualTo(429);
        assertThat(get("/healthz").status()).isEqualTo(200);
        now.addAndGet(1_000_000_000L); // a second: two more tries
        assertThat(call("GET", "/v1/sessions", null, "right").status()).isEqualTo(200);
    }

    @Test
    void successfulAuthenticationsDoNotCountAsFailures() {
        nanoTime = new AtomicLong()::get;
        start(l -> l.set("api_keys", java.util.List.of("t:" + ApiKeys.sha256("right")))
                .set("auth_failure_rate", 1));
        for (int i = 0; i < 20; i++)
            assertThat(call("GET", "/v1/sessions", null, "right").status()).isEqualTo(200);
        assertThat(call("GET", "/v1/sessions", null, "wrong").status()).isEqualTo(401);
    }

    @Test
    void theBucketRefillsAtTheConfiguredRate() {
        var now = new AtomicLong();
        var limiter = new RateLimiter(10, 2, now::get);
        limiter.acquire("k");
        limiter.acquire("k");
        try {
            limiter.acquire("k");
            throw new AssertionError("third request in the same instant passed a burst of 2");
        } catch (BosunException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED);
            assertThat(e.details()).containsEntry("retry_after_seconds", 1L);
        }
        limiter.acquire("other"); // buckets are per caller
        now.addAndGet(100_000_000); // 100 ms at 10/s = one token
        limiter.acquire("k");
    }

    @Test
    void aClockReadingOlderThanTheLastRefillTakesNoTokensAway() {
        // Two threads read the clock, then take the bucket's lock in the other order.
        var now = new AtomicLong(10_000_000_000L);
        var limiter = new RateLimiter(1, 2, now::get);
        limiter.acquire("k"); // at 10 s: 2 tokens, 1 left
        now.set(9_000_000_000L); // a reading taken a second earlier, arriving late
        limiter.acquire("k"); // the token left is still there
        now.set(10_000_000_000L);
        try {
            limiter.acquire("k");
            throw new AssertionError("a third request within the same second passed a burst of 2");
        } catch (BosunException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED);
        }
    }
}
