package dev.bosun.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.contract.Requires;
import dev.bosun.sandbox.Availability;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing service skips a sandbox test with its reason, except under CI, where it fails it. */
class RequiresTest {
    @Test
    void aMissingServiceSkipsWithTheReasonOutsideCi() {
        assertThatThrownBy(() ->
                        Requires.usable("the bwrap runtime", Availability.no("bubblewrap is not installed"), false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("the bwrap runtime is not usable here: bubblewrap is not installed");
    }

    @Test
    void aMissingServiceFailsUnderCi() {
        assertThatThrownBy(() -> Requires.usable("the docker runtime", Availability.no("no Docker socket"), true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("no Docker socket")
                .hasMessageContaining("CI=true");
    }

    @Test
    void aUsableServiceRuns() {
        assertThatCode(() -> Requires.usable("x", Availability.ok("fine"), true))
                .doesNotThrowAnyException();
    }
}
