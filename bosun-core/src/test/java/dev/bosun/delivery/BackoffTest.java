package dev.bosun.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleWithinHalfToAllOfTheCeilingAndStopAtTheMaximum() {
        var b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(7));
        for (int attempt = 1; attempt <= 30; attempt++) {
            long ceiling = Math.min(300_000, 1000L << Math.min(attempt - 1, 30));
            for (int i = 0; i < 200; i++) {
                long d = b.delay(attempt).toMillis();
                assertThat(d).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void hugeAttemptCountsDoNotOverflow() {
        var b = new Backoff(Duration.ofDays(1), Duration.ofDays(2), new Random(1));
        assertThat(b.delay(Integer.MAX_VALUE)).isBetween(Duration.ofDays(1), Duration.ofDays(2));
    }
}
