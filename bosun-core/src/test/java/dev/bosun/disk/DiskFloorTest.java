package dev.bosun.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bosun.config.Sizes;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
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
}
