package dev.bosun.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmergenceTest {
    @Test
    void theThresholdAtFourVertices() {
        var e = new Emergence(-2);
        assertThat(e.threshold(4)).isEqualTo(2);
        for (long h1 = 0; h1 <= 2; h1++)
            assertThat(e.emergent(h1, 4)).as("β₁=%d", h1).isFalse();
        assertThat(e.emergent(3, 4)).isTrue();
        assertThat(e.emergent(4, 4)).isTrue();
    }

    @Test
    void firesOncePerCrossing() {
        var e = new Emergence(-2);
        assertThat(e.crossed(1, 4)).isFalse();
        assertThat(e.crossed(3, 4)).isTrue();
        assertThat(e.crossed(4, 4)).isFalse(); // still above: no second alert
        assertThat(e.crossed(2, 4)).isFalse(); // back to the threshold
        assertThat(e.crossed(3, 4)).isTrue(); // a new crossing
    }

    @Test
    void riskFromMargin() {
        assertThat(Emergence.risk(-5)).isEqualTo(0.0);
        assertThat(Emergence.risk(0)).isEqualTo(0.0);
        assertThat(Emergence.risk(1)).isEqualTo(0.3);
        assertThat(Emergence.risk(2)).isEqualTo(0.6);
        assertThat(Emergence.risk(3)).isEqualTo(0.9);
        assertThat(Emergence.risk(40)).isEqualTo(0.9);
    }
}
