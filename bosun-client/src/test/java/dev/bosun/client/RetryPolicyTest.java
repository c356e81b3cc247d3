package dev.bosun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.client.RetryPolicy.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy =
            new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(30));

    private static Failure status(int s) {
        return Failure.status(s, Optional.empty());
    }

    private static Failure status(int s, long retryAfterSeconds) {
        return Failure.status(s, Optional.of(Duration.ofSeconds(retryAfterSeconds)));
    }

    @Test
    void retriesIdempotentCallsThatGotNoAnswerOrAGatewayError() {
        for (Failure f : new Failure[] {Failure.noResponse(), status(502), status(503), status(504)}) {
            assertThat(policy.delayBeforeRetry(true, f, 1, 0.0)).as("%s", f).isPresent();
        }
    }

    @Test
    void neverRetriesNonIdempotentCalls() {
        for (Failure f : new Failure[] {Failure.noResponse(), status(502), status(503), status(504), status(429, 1)}) {
            assertThat(policy.delayBeforeRetry(false, f, 1, 0.0)).as("%s", f).isEmpty();
        }
    }

    @Test
    void doesNotRetryAnswersThatWillNotChange() {
        for (int s : new int[] {400, 401, 403, 404, 409, 413, 500, 501}) {
            assertThat(policy.delayBeforeRetry(true, status(s), 1, 0.0))
                    .as("%d", s)
                    .isEmpty();
        }
    }

    @Test
    void stopsAfterTheConfiguredNumberOfRetries() {
        assertThat(policy.delayBeforeRetry(true, status(503), 3, 0.5)).isPresent();
        assertThat(policy.delayBeforeRetry(true, status(503), 4, 0.5)).isEmpty();
        RetryPolicy none = new RetryPolicy(0, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(30));
        assertThat(none.delayBeforeRetry(true, Failure.noResponse(), 1, 0.5)).isEmpty();
    }

    @Test
    void tooManyRequestsWaitsExactlyRetryAfterAndOnlyWhenGiven() {
        assertThat(policy.delayBeforeRetry(true, status(429, 2), 1, 0.99)).contains(Duration.ofSeconds(2));
        // Without Retry-After a 429 is a cap (sessions, tasks) that retrying in a moment will not lift.
        assertThat(policy.delayBeforeRetry(true, status(429), 1, 0.0)).isEmpty();
    }

    @Test
    void retryAfterLongerThanTheBoundIsHandedToTheCaller() {
        assertThat(policy.delayBeforeRetry(true, status(429, 30), 1, 0.0)).contains(Duration.ofSeconds(30));
        assertThat(policy.delayBeforeRetry(true, status(429, 31), 1, 0.0)).isEmpty();
        assertThat(policy.delayBeforeRetry(true, status(503, 31), 1, 0.0)).isEmpty();
    }

    @Test
    void aKeyStillInProgressIsRetriedAfterItsRetryAfterButOtherConflictsAreNot() {
        assertThat(policy.delayBeforeRetry(true, status(409, 1), 1, 0.5)).contains(Duration.ofSeconds(1));
        assertThat(policy.delayBeforeRetry(true, status(409), 1, 0.5)).isEmpty();
    }

    @Test
    void unavailableWithRetryAfterUsesItInsteadOfTheBackoff() {
        assertThat(policy.delayBeforeRetry(true, status(503, 3), 1, 0.0)).contains(Duration.ofSeconds(3));
    }

    @Test
    void backoffDoublesPerFailureUpToTheCapWithFullJitter() {
        // failures 1, 2, 3, 4, 5 -> 100, 200, 400, 800, 1000 (capped) before jitter
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < expected.length; i++) {
            long full = expected[i];
            assertThat(policy.backoff(i + 1, 0.0).toMillis())
                    .as("lowest after %d failures", i + 1)
                    .isEqualTo(1);
            assertThat(policy.backoff(i + 1, 0.5).toMillis())
                    .as("middle after %d failures", i + 1)
                    .isEqualTo(full / 2);
            assertThat(policy.backoff(i + 1, 0.999999).toMillis())
                    .as("highest after %d failures", i + 1)
                    .isBetween(full - 1, full);
        }
        assertThat(policy.delayBeforeRetry(true, status(502), 2, 0.5)).contains(policy.backoff(2, 0.5));
    }

    @Test
    void backoffDoesNotOverflowForManyFailures() {
        assertThat(policy.backoff(1_000, 0.5)).isEqualTo(Duration.ofMillis(500));
        RetryPolicy big = new RetryPolicy(3, Duration.ofDays(1), Duration.ofDays(3), Duration.ofSeconds(30));
        assertThat(big.backoff(70, 0.5)).isEqualTo(Duration.ofDays(3).dividedBy(2));
    }

    @Test
    void rejectsJitterOutsideTheUnitInterval() {
        assertThatThrownBy(() -> policy.backoff(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.backoff(1, -0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("5"), now)).contains(Duration.ofSeconds(5));
        assertThat(RetryPolicy.parseRetryAfter(Optional.of(" 0 "), now)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("Thu, 01 Jan 2026 00:00:07 GMT"), now))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("Wed, 31 Dec 2025 23:59:00 GMT"), now))
                .contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("-3"), now)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(Optional.of("99999999999999999999999"), now))
                .isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(Optional.empty(), now)).isEmpty();
    }
}
