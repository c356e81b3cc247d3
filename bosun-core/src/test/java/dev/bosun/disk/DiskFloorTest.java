package dev.bosun.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bosun.config.Sizes;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFloorTest {
    @TempDir
    Path dir;

    @Test
    void underTheFloorGrowingWorkIsRefusedAsDiskFullWithRetryAfter() {
        var free = new AtomicLong(100 * Sizes.MIB);
        var floor = new DiskFloor(64 * Sizes.MIB, free::get);
        assertThat(floor.low()).isFalse();
        assertThatCode(() -> floor.requireRoom("sends")).doesNotThrowAnyException();

        free.set(64 * Sizes.MIB - 1);
        assertThat(floor.low()).isTrue();
        var e = catchThrowableOfType(BosunException.class, () -> floor.requireRoom("sends"));
        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
        assertThat(e.getMessage())
                .contains("disk is full")
                .contains("min_free_disk = 64MiB")
                .contains("sends are refused")
                .contains("ends and terminates still work");
        assertThat(e.details())
                .containsEntry("retry_after_seconds", DiskFloor.RETRY_AFTER_SECONDS)
                .containsEntry("reason", "disk_full")
                .containsEntry("min_free_bytes", 64 * Sizes.MIB);

        free.set(64 * Sizes.MIB);
        assertThat(floor.low()).as("exactly at the floor is enough").isFalse();
    }

    @Test
    void aZeroFloorIsOffAndADiskThatCannotBeAskedIsNotLow() {
        assertThat(DiskFloor.of(dir, 0).low()).isFalse();
        var unknown = new DiskFloor(Sizes.MIB, () -> {
            throw new IOException("statvfs failed");
        });
        assertThat(unknown.low()).isFalse();
        assertThat(unknown.freeBytes()).isEmpty();
    }

    @Test
    void theRealDiskOfADirectoryIsRead() {
        var floor = DiskFloor.of(dir, 1);
        assertThat(floor.freeBytes()).isPresent();
        assertThat(floor.low()).isFalse();
        assertThat(DiskFloor.of(dir, Long.MAX_VALUE / 2).low())
                .as("no disk has that much free")
                .isTrue();
    }

    @Test
    void anAnswerFarOverTheFloorIsReusedForASecondAndNearTheFloorEveryCheckAsks() {
        var free = new AtomicLong(64 * Sizes.MIB + DiskFloor.HEADROOM);
        var asked = new AtomicInteger();
        var now = new AtomicLong();
        var floor = new DiskFloor(
                64 * Sizes.MIB,
                () -> {
                    asked.incrementAndGet();
                    return free.get();
                },
                now::get);
        assertThat(floor.low()).isFalse();
        free.set(0); // within the second the roomy answer stands
        now.addAndGet(999_999_999);
        assertThat(floor.low()).isFalse();
        assertThat(asked).hasValue(1);
        now.addAndGet(1);
        assertThat(floor.low()).as("a second later it asks again").isTrue();
        assertThatCode(() -> floor.requireRoom("sends")).isInstanceOf(BosunException.class);
        assertThat(asked.get()).isGreaterThan(2); // under the floor: every check asks

        free.set(64 * Sizes.MIB + DiskFloor.HEADROOM - 1); // over the floor, but not by the headroom
        int before = asked.get();
        assertThat(floor.low()).isFalse();
        assertThat(floor.low()).isFalse();
        assertThat(asked.get()).isEqualTo(before + 2);
    }
}
