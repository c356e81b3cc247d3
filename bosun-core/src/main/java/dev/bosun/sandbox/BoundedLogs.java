package dev.bosun.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a worker's append-only log files bounded while the worker still writes to them, and reads
 * their tail for the API. A log {@code x.log} may have one predecessor {@code x.log.1}.
 *
 * <p>Rotation truncates the live file in place instead of renaming it: the worker holds it open with
 * {@code O_APPEND}, so its next write lands at the new end, with no signal or reopen needed. Bytes the
 * worker writes between the copy and the truncation are lost; that window is a few system calls.
 * Bosun calls {@link #enforce} periodically; the runtimes never do.
 */
public final class BoundedLogs {
    private BoundedLogs() {}

    /**
     * When {@code log} is larger than {@code maxBytes}, keeps its last {@code maxBytes / 2} bytes as
     * {@code <name>.1} (replacing an older one) and empties {@code log}. A missing log is left alone.
     *
     * @return whether the log was rotated
     */
    public static boolean enforce(Path log, long maxBytes) throws IOException {
        requirePositive(maxBytes);
        long size;
        try {
            size = Files.size(log);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (size <= maxBytes) return false;

        Path previous = sibling(log, ".1");
        Path temp = sibling(log, ".1.tmp");
        copyLast(log, maxBytes / 2, temp);
        Files.move(temp, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (var ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        return true;
    }

    /**
     * The last {@code maxBytes} bytes of {@code <name>.1} followed by {@code log}, decoded as UTF-8
     * with malformed input replaced. A cut through a multi-byte character at the start is skipped.
     * Missing files read as empty.
     */
    public static String tail(Path log, long maxBytes) throws IOException {
        requirePositive(maxBytes);
        var live = readLast(log, maxBytes);
        var older = live.bytes().length < maxBytes
                ? readLast(sibling(log, ".1"), maxBytes - live.bytes().length)
                : new Chunk(new byte[0], true);
        var joined = new ByteArrayOutputStream(older.bytes().length + live.bytes().length);
        joined.writeBytes(older.bytes());
        joined.writeBytes(live.bytes());
        byte[] bytes = joined.toByteArray();
        boolean cut = older.bytes().length > 0 ? !older.whole() : !live.whole();
        int start = 0;
        // Up to three UTF-8 continuation bytes can be left over from a character cut in half.
        while (cut && start < 3 && start < bytes.length && (bytes[start] & 0xC0) == 0x80) start++;
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    /** Copies the last {@code n} bytes of {@code file} into a new {@code target}. */
    private static void copyLast(Path file, long n, Path target) throws IOException {
        try (var in = FileChannel.open(file, StandardOpenOption.READ);
                var out = FileChannel.open(
                        target,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long from = size - Math.min(n, size);
            long done = 0;
            while (from + done < size) {
                long moved = in.transferTo(from + done, size - from - done, out);
                if (moved <= 0) break;
                done += moved;
            }
        }
    }

    /** Bytes read from the end of a file; {@code whole} when they start at the file's beginning. */
    private record Chunk(byte[] bytes, boolean whole) {}

    /** The last {@code n} bytes of a file (fewer if it is shorter, none if it is missing). */
    private static Chunk readLast(Path file, long n) throws IOException {
        try (var ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long want = Math.min(n, size);
            var buf = ByteBuffer.allocate(Math.toIntExact(want));
            long pos = size - want;
            // The file may shrink while it is read (a concurrent rotation); stop at its end.
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) break;
            }
            buf.flip();
            var out = new byte[buf.remaining()];
            buf.get(out);
            return new Chunk(out, pos == 0);
        } catch (NoSuchFileException e) {
            return new Chunk(new byte[0], true);
        }
    }

    private static Path sibling(Path log, String suffix) {
        return log.resolveSibling(log.getFileName() + suffix);
    }

    private static void requirePositive(long maxBytes) {
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
}
