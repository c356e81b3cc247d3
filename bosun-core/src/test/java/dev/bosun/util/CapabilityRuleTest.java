package dev.bosun.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written capability check agrees with the rule's regex, on edge cases and seeded random names. */
class CapabilityRuleTest {
    @Test
    void agreesWithTheRegex() {
        String alphabet = "aZ09._:/- éx\t";
        var rnd = new Random(11);
        for (String c :
                new String[] {"", "a", "-a", ".a", "a-", "a/b:c_d.e", "x".repeat(64), "x".repeat(65), "é", "a b"}) {
            assertThat(Validation.isCapability(c))
                    .as(c)
                    .isEqualTo(Validation.CAPABILITY.matcher(c).matches());
        }
        for (int i = 0; i < 20_000; i++) {
            var sb = new StringBuilder();
            for (int n = rnd.nextInt(70); n > 0; n--) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            String c = sb.toString();
            assertThat(Validation.isCapability(c))
                    .as(c)
                    .isEqualTo(Validation.CAPABILITY.matcher(c).matches());
        }
        assertThat(Validation.isCapability(null)).isFalse();
    }
}
