package dev.bosun.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private final byte[] body = "{\"id\":\"whd_1\"}".getBytes(StandardCharsets.UTF_8);
    private final Instant now = Instant.parse("2026-11-21T08:00:00Z");
    private final long ts = now.getEpochSecond();

    @Test
    void matchesAVectorComputedWithOpenssl() {
        // printf '%s' '1795248000.{"id":"whd_1"}' | openssl dgst -sha256 -hmac 'secret-secret-secret'
        assertThat(WebhookSignature.sign("secret-secret-secret", 1795248000L, body))
                .isEqualTo("v1=bcb4968f5dc89b3af758bd81a63ba30384e005ab0f925765483861c4b9aae3cc");
    }

    @Test
    void verifiesOnlyTheRightSecretBodyAndAFreshTimestamp() {
        String sig = WebhookSignature.sign("s3cret-s3cret-s3cret", ts, body);
        Duration tol = Duration.ofMinutes(5);
        assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", Long.toString(ts), sig, body, now, tol))
                .isTrue();
        assertThat(WebhookSignature.verify("other-secret-other", Long.toString(ts), sig, body, now, tol))
                .isFalse();
        assertThat(WebhookSignature.verify(
                        "s3cret-s3cret-s3cret",
                        Long.toString(ts),
                        sig,
                        "{}".getBytes(StandardCharsets.UTF_8),
                        now,
                        tol))
                .isFalse();
        assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", Long.toString(ts + 1), sig, body, now, tol))
                .as("timestamp is signed")
                .isFalse();
        assertThat(WebhookSignature.verify(
                        "s3cret-s3cret-s3cret", Long.toString(ts), sig, body, now.plus(Duration.ofMinutes(6)), tol))
                .as("replayed later")
                .isFalse();
        assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", "yesterday", sig, body, now, tol))
                .isFalse();
        assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", null, sig, body, now, tol))
                .isFalse();
    }
}
