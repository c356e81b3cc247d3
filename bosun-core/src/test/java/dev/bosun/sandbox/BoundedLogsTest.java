package dev.bosun.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedLogsTest {
    @TempDir
    Path dir;

    @Test
    void leavesALogWithinItsBoundAlone() throws Exception {
        Path log = dir.resolve("stdout.log");
        Files.writeString(log, "x".repeat(100));

        assertThat(BoundedLogs.enforce(log, 100)).isFalse();
        assertThat(BoundedLogs.enforce(dir.resolve("missing.log"), 100)).isFalse();

        assertThat(log).hasContent("x".repeat(100));
        assertThat(dir.resolve("stdout.log.1")).doesNotExist();
    }

    @Test
    void keepsTheLastHalfAsThePredecessorAndEmptiesTheLiveLog() throws Exception {
        Path log = dir.resolve("stdout.log");
        Files.writeString(dir.resolve("stdout.log.1"), "an older rotation");
        Files.writeString(log, "a".repeat(50) + "b".repeat(40) + "c".repeat(10));

        assertThat(BoundedLogs.enforce(log, 80)).isTrue();

        assertThat(dir.resolve("stdout.log.1")).hasContent("b".repeat(30) + "c".repeat(10));
        assertThat(Files.size(log)).isZero();
        assertThat(dir.resolve("stdout.log.1.tmp")).doesNotExist();
    }

    @Test
    void tailJoinsThePredecessorAndTheLiveLog() throws Exception {
        Path log = dir.resolve("stdout.log");
        Files.writeString(dir.resolve("stdout.log.1"), "0123456789");
        Files.writeString(log, "abc");

        assertThat(BoundedLogs.tail(log, 6)).isEqualTo("789abc");
        assertThat(BoundedLogs.tail(log, 2)).isEqualTo("bc");
        assertThat(BoundedLogs.tail(log, 100)).isEqualTo("0123456789abc");
        assertThat(BoundedLogs.tail(dir.resolve("missing.log"), 100)).isEmpty();
    }

    @Test
    void tailReadsThePredecessorAloneRightAfterARotation() throws Exception {
        Path log = dir.resolve("stdout.log");
        Files.writeString(log, "x".repeat(20) + "last words");

        BoundedLogs.enforce(log, 20);

        assertThat(BoundedLogs.tail(log, 1000)).isEqualTo("last words");
    }

    @Test
    void tailSkipsACharacterCutInHalfAndReplacesMalformedBytes() throws Exception {
        Path log = dir.resolve("stdout.log");
        // "é" is two bytes; reading the last five bytes cuts the first "é" in half.
        Files.writeString(log, "ééé", StandardCharsets.UTF_8);
        assertThat(BoundedLogs.tail(log, 5)).isEqualTo("éé");

        Files.write(log, new byte[] {'o', 'k', (byte) 0xFF, '!'});
        assertThat(BoundedLogs.tail(log, 100)).isEqualTo("ok\uFFFD!");
    }

    @Test
    void rejectsANonPositiveBound() {
        assertThatThrownBy(() -> BoundedLogs.enforce(dir.resolve("x.log"), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoundedLogs.tail(dir.resolve("x.log"), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunningWorkerKeepsWritingFromTheStartOfTheTruncatedLog() throws Exception {
        try (var fx = new ProcessFixture(dir)) {
            fx.sh("i=0; while :; do echo line$i; i=$((i+1)); sleep 0.01; done");
            Path log = fx.workspace.stdoutLog();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.size(log) > 200);

            assertThat(BoundedLogs.enforce(log, 200)).isTrue();

            // Without O_APPEND the worker would write at its old offset, leaving a hole of NUL bytes.
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.size(log) > 20);
            byte[] after = Files.readAllBytes(log);
            assertThat(after.length).isLessThan(200);
            assertThat(new String(after, StandardCharsets.UTF_8))
                    .startsWith("line")
                    .doesNotContain("\0");
        }
    }
}
