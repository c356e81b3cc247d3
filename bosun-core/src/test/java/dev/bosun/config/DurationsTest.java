package dev.bosun.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "0, 0",
        "90, 90000",
        "250ms, 250",
        "30s, 30000",
        "15m, 900000",
        "24h, 86400000",
        "7d, 604800000",
        "0ms, 0",
        "'  45s ', 45000",
        "007s, 7000",
        "9223372036854775807ms, 9223372036854775807",
    })
    void parsesSecondsAndEveryUnit(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void parsesYamlIntegersAsSecondsAndPassesDurationsThrough() {
        assertThat(Durations.parse((Object) 90)).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse((Object) 90L)).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse((Object) BigInteger.TEN)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse((Object) Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"abc", "s", "1.5s", "1.5", "30 s", "30S", "30sec", "1h30m", "0x10", "+5s", "5 s", "ms30", "∞"})
    void rejectsGarbageNamingTheTextAndTheSyntax(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text.strip() + "\" is not a duration; expected " + Durations.SYNTAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmpty(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("\"" + text + "\" is empty; expected a whole number of seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-5s", "-250ms"})
    void rejectsNegatives(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is negative; a duration must be 0 or more");
        assertThatThrownBy(() -> Durations.parse((Object) Duration.ofSeconds(-5)))
                .hasMessage("-5s is negative; a duration must be 0 or more");
        assertThatThrownBy(() -> Durations.parse((Object) (-5)))
                .hasMessage("\"-5\" is negative; a duration must be 0 or more");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"9223372036854775808ms", "9223372036854776s", "106751991167301d", "99999999999999999999999999"})
    void rejectsOverflow(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is too large for a duration");
    }

    @Test
    void rejectsFractionsAndOtherTypes() {
        assertThatThrownBy(() -> Durations.parse((Object) 1.5))
                .hasMessage("1.5 is not a duration; expected " + Durations.SYNTAX);
        assertThatThrownBy(() -> Durations.parse((Object) Boolean.TRUE))
                .hasMessage("true is not a duration; expected " + Durations.SYNTAX);
        assertThatThrownBy(() -> Durations.parse((Object) null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "0, 0s",
        "250, 250ms",
        "1500, 1500ms",
        "30000, 30s",
        "90000, 90s",
        "3660000, 61m",
        "86400000, 1d",
        "604800000, 7d",
        "-5000, -5s",
    })
    void formatsInTheLargestExactUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        if (millis >= 0) {
            assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
        }
    }

    @Test
    void formatsHoursAndSubMillisecondDurations() {
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(Durations.format(Duration.ofHours(23))).isEqualTo("23h");
        assertThat(Durations.format(Duration.ofNanos(1_500))).isEqualTo("PT0.0000015S");
        assertThat(Durations.format(Duration.ofSeconds(Long.MIN_VALUE))).startsWith("PT-");
    }
}
