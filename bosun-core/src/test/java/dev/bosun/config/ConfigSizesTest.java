package dev.bosun.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Sizes}; named Config* so the config test selection picks it up. */
class ConfigSizesTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
        "0, 0",
        "1000, 1000",
        "1000B, 1000",
        "256KiB, 262144",
        "256k, 262144",
        "256K, 262144",
        "10MiB, 10485760",
        "1m, 1048576",
        "1M, 1048576",
        "1GiB, 1073741824",
        "2g, 2147483648",
        "1TiB, 1099511627776",
        "1t, 1099511627776",
        "' 4KiB ', 4096",
        "9223372036854775807, 9223372036854775807",
    })
    void parsesBytesAndBinaryUnits(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @Test
    void parsesYamlIntegersAsBytes() {
        assertThat(Sizes.parse((Object) 4096)).isEqualTo(4096);
        assertThat(Sizes.parse((Object) 5_000_000_000L)).isEqualTo(5_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "KiB", "1.5MiB", "10 MiB", "10KB", "10mb", "10kib", "1e6", "0x400", "10Mi", "1b"})
    void rejectsGarbageNamingTheTextAndTheSyntax(String text) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not a size; expected " + Sizes.SYNTAX);
    }

    @Test
    void rejectsEmptyNegativeOverflowAndOtherTypes() {
        assertThatThrownBy(() -> Sizes.parse("")).hasMessage("\"\" is empty; expected " + Sizes.SYNTAX);
        assertThatThrownBy(() -> Sizes.parse("-1KiB")).hasMessage("\"-1KiB\" is negative; a size must be 0 or more");
        assertThatThrownBy(() -> Sizes.parse("8388608TiB")).hasMessage("\"8388608TiB\" is too large for a size");
        assertThatThrownBy(() -> Sizes.parse("9223372036854775808"))
                .hasMessage("\"9223372036854775808\" is too large for a size");
        assertThatThrownBy(() -> Sizes.parse((Object) 1.5)).hasMessage("1.5 is not a size; expected " + Sizes.SYNTAX);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0B",
        "1, 1B",
        "1023, 1023B",
        "1024, 1KiB",
        "262144, 256KiB",
        "1536, 1536B",
        "1572864, 1536KiB",
        "10485760, 10MiB",
        "1073741824, 1GiB",
        "1099511627776, 1TiB",
        "-2048, -2KiB",
    })
    void formatsInTheLargestExactUnit(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
        if (bytes >= 0) {
            assertThat(Sizes.parse(text)).isEqualTo(bytes);
        }
    }

    @Test
    void formatsTheSmallestLong() {
        assertThat(Sizes.format(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE + "B");
    }
}
