package dev.bosun.contract;

import dev.bosun.sandbox.Availability;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small real tmpfs for disk-full tests: mounted on a fresh directory (which needs root; without
 * it the test skips with the reason, and fails under {@code CI=true}), filled to the last byte by a
 * filler file, and freed by deleting it.
 *
 * <pre>{@code
 * try (Tmpfs disk = Tmpfs.mount(tempDir.resolve("disk"), "8m")) {
 *     disk.fill();   // writes until ENOSPC
 *     disk.free();   // deletes the filler
 * }
 * }</pre>
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@code size} ({@code mount -o size=}, e.g. {@code 8m}) on {@code dir}, or skips the test. */
    public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Requires.usable("a tmpfs mount", tryMount(dir, size));
        return new Tmpfs(dir);
    }

    private static Availability tryMount(Path dir, String size) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) return Availability.no("mounting a tmpfs needs root");
        Process p = new ProcessBuilder(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
            return Availability.no("mount -t tmpfs failed: " + out);
        return Availability.ok("mounted");
    }

    public Path dir() {
        return dir;
    }

    /** Writes the filler until the disk is full. */
    public void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(
                filler, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) throw e;
        }
        // Chunks that did not fit may leave a few pages: fill them byte by byte.
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) out.write(new byte[512]);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) throw e;
        }
    }

    /** Free bytes now. */
    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Deletes the filler: the disk has its space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Shrinks the filler so that the disk has about {@code bytes} free (never less than now). */
    public void freeUpTo(long bytes) throws IOException {
        long now = usable();
        if (now >= bytes || !Files.exists(filler)) return;
        long size = Files.size(filler);
        try (var ch = java.nio.channels.FileChannel.open(filler, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, size - (bytes - now)));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("umount", "-l", dir.toString()))
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
    }
}
