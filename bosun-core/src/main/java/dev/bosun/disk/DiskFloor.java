package dev.bosun.disk;

import dev.bosun.config.Sizes;
import dev.bosun.error.BosunException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free-space floor of the data dir ({@code min_free_disk}). Work that makes data grow (new
 * sessions, sends, emits, tasks) is refused below it, so the space left is kept for what must
 * still work on a full disk: ends, terminates, expiries and cleanups. A check asks the file store
 * (one {@code statvfs}) unless the last answer, under a second old, left at least {@link #HEADROOM}
 * over the floor: a {@code statvfs} on every send and task cost 5-10 % of the request's CPU, and no
 * writer of Bosun's fills a gibibyte within a second (D125). Near the floor every check asks.
 *
 * <pre>{@code
 * DiskFloor floor = DiskFloor.of(dataDir, 64 * Sizes.MIB);
 * floor.requireRoom("new sessions");   // INSUFFICIENT_STORAGE below the floor
 * }</pre>
 */
public final class DiskFloor {
    private static final Logger log = LoggerFactory.getLogger(DiskFloor.class);
    /** How long a refused caller is told to wait before trying again. */
    public static final long RETRY_AFTER_SECONDS = 10;

    /** Where free space is read from; tests pass their own. */
    @FunctionalInterface
    public interface FreeSpace {
        long usableBytes() throws IOException;
    }

    /** How far over the floor the last answer must be for the next second's checks to reuse it. */
    public static final long HEADROOM = 1024 * Sizes.MIB;

    private static final long REUSE_NANOS = 1_000_000_000L;

    private final long minFree;
    private final FreeSpace free;
    private final LongSupplier nanos;
    private volatile boolean wasLow;
    /** When an answer far enough over the floor to reuse was read last ({@code nanos}: an interval, not a date). */
    private record Roomy(long readAt) {}

    private volatile Roomy roomy;

    public DiskFloor(long minFree, FreeSpace free) {
        this(minFree, free, System::nanoTime);
    }

    /** With the monotonic time source the reuse of an answer is measured on (tests pass their own). */
    DiskFloor(long minFree, FreeSpace free, LongSupplier nanos) {
        if (minFree < 0) throw new IllegalArgumentException("minFree < 0");
        this.minFree = minFree;
        this.free = free;
        this.nanos = nanos;
    }

    /** The floor of {@code dir}'s disk; {@code minFree = 0} turns it off. */
    public static DiskFloor of(Path dir, long minFree) {
        if (minFree == 0) return new DiskFloor(0, () -> Long.MAX_VALUE);
        FileStore store;
        try {
            Files.createDirectories(dir);
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            log.warn("cannot find the disk of the data dir; min_free_disk is not enforced: {}", e.toString());
            return new DiskFloor(0, () -> Long.MAX_VALUE);
        }
        return new DiskFloor(minFree, store::getUsableSpace);
    }

    public long minFree() {
        return minFree;
    }

    /** Free bytes now, or empty when the disk cannot be asked. */
    public OptionalLong freeBytes() {
        try {
            return OptionalLong.of(free.usableBytes());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether the disk is under the floor now. A disk that cannot be asked is not low: the store reports real failures. */
    public boolean low() {
        if (minFree == 0) return false;
        Roomy r = roomy;
        if (r != null && nanos.getAsLong() - r.readAt() < REUSE_NANOS) return false;
        long readAt = nanos.getAsLong();
        OptionalLong f = freeBytes();
        roomy = f.isPresent() && f.getAsLong() - minFree >= HEADROOM ? new Roomy(readAt) : null;
        boolean low = f.isPresent() && f.getAsLong() < minFree;
        if (low != wasLow) {
            wasLow = low;
            if (low)
                log.warn(
                        "the data dir's disk is under min_free_disk ({} free of the {} floor): new sessions and sends are refused "
                                + "until space is freed; ends and terminates still work",
                        Sizes.format(f.getAsLong()),
                        Sizes.format(minFree));
            else log.info("the data dir's disk is back over min_free_disk: new sessions and sends are accepted again");
        }
        return low;
    }

    /**
     * Throws INSUFFICIENT_STORAGE when the disk is under the floor.
     *
     * @param what the refused work, for the message: "new sessions", "sends", ...
     */
    public void requireRoom(String what) {
        if (!low()) return;
        long f = freeBytes().orElse(0);
        throw BosunException.diskFull(
                "the disk is full: the data dir has " + Sizes.format(f) + " free, under min_free_disk = "
                        + Sizes.format(minFree) + "; " + what
                        + " are refused until space is freed (ends and terminates still work)",
                RETRY_AFTER_SECONDS,
                Map.of("free_bytes", f, "min_free_bytes", minFree));
    }
}
