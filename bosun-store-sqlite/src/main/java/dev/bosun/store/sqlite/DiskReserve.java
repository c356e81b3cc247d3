package dev.bosun.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of real (not sparse) blocks kept in the data dir so that ends can still commit on a full
 * disk: SQLite cannot reserve space itself, so when a commit that must succeed (an end, a
 * terminate, a cleanup) fails because the disk is full, the writer deletes this file and tries
 * that commit again. Once the disk has room for it and as much again, it is written back.
 */
final class DiskReserve {
    private static final Logger log = LoggerFactory.getLogger(DiskReserve.class);
    static final String FILE_NAME = "bosun.reserve";
    private static final int CHUNK = 64 * 1024;

    /** Free space of the disk under the file; tests pass their own. */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes() throws IOException;
    }

    private final Path file;
    private final long size;
    private final FreeSpace free;

    DiskReserve(Path dir, long size, FreeSpace free) {
        this.file = dir.resolve(FILE_NAME);
        this.size = size;
        this.free = free;
    }

    static DiskReserve in(Path dir, long size) {
        return new DiskReserve(dir, size, () -> Files.getFileStore(dir).getUsableSpace());
    }

    long size() {
        return size;
    }

    /** Whether the reserve is in place (always, when it is configured as 0 bytes). */
    synchronized boolean held() {
        try {
            return size == 0 || (Files.isRegularFile(file) && Files.size(file) >= size);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the reserve when it is missing and the disk has room for it twice over (so that
     * taking it back does not fill the disk again at once). Returns whether it is in place.
     */
    synchronized boolean restore() {
        if (held()) return true;
        try {
            if (free.usableBytes() < 2 * size) return false;
            // Zeros written, not a sparse file: a sparse one would hold no blocks to give back.
            ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long written = 0; written < size; ) {
                    zeros.clear().limit((int) Math.min(CHUNK, size - written));
                    written += ch.write(zeros);
                }
            }
            return true;
        } catch (IOException e) {
            deleteQuietly();
            log.debug("could not write the disk reserve yet: {}", e.toString());
            return false;
        }
    }

    /** Deletes the reserve; true when that gave blocks back to the disk. */
    synchronized boolean release() {
        if (size == 0) return false;
        boolean had = Files.isRegularFile(file);
        deleteQuietly();
        if (had)
            log.warn(
                    "the disk is full: released the {}-byte disk reserve so that ends and terminates can commit", size);
        return had;
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete the disk reserve: {}", e.toString());
        }
    }
}
