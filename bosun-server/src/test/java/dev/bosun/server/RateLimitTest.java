package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
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
}
