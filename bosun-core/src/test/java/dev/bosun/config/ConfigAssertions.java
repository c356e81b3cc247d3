package dev.bosun.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared checks for the config tests: every config error is INVALID_ARGUMENT naming its field. */
final class ConfigAssertions {
    private ConfigAssertions() {}

    /** Asserts the call fails with exactly this field and message. */
    static void assertInvalid(ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BosunException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.details()).containsEntry("field", field);
        });
    }

    /** Asserts the call fails for this field with a message containing every fragment. */
    static void assertInvalidContaining(ThrowingCallable call, String field, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BosunException.class, e -> {
            assertThat(e.getMessage()).contains(fragments);
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.details()).containsEntry("field", field);
        });
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
