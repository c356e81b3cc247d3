package dev.bosun.mailbox;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * What a session's workspace holds, measured against its quota: bytes of regular files and entries of
 * any kind (files, directories, links; each costs an inode). The logs are left out: Bosun bounds them
 * itself ({@code worker_log_max_bytes}). Links are counted, never followed. The walk stops as soon as
 * either limit is passed, so measuring costs at most {@code maxFiles} entries however much a worker
 * wrote. Entries that vanish mid-walk (ingested, or deleted by the worker) are simply not counted.
 *
 * @param bytes    bytes counted (at least this many when {@link #exceeded})
 * @param files    entries counted (at least this many when {@link #exceeded})
 * @param exceeded whether a limit was passed
 */
public record WorkspaceUsage(long bytes, long files, boolean exceeded) {

    public static WorkspaceUsage measure(Workspace ws, long maxBytes, long maxFiles) throws IOException {
        if (!Files.isDirectory(ws.root())) return new WorkspaceUsage(0, 0, false);
        var counter = new SimpleFileVisitor<Path>() {
            long bytes;
            long files;

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(ws.logs())) return FileVisitResult.SKIP_SUBTREE;
                if (!dir.equals(ws.root())) files++;
                return over() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                files++;
                if (attrs.isRegularFile()) bytes += attrs.size();
                return over() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // gone or unreadable: nothing there to count
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                return FileVisitResult.CONTINUE; // a directory removed mid-walk holds nothing more
            }

            boolean over() {
                return bytes > maxBytes || files > maxFiles;
            }
        };
        Files.walkFileTree(ws.root(), EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, counter);
        return new WorkspaceUsage(counter.bytes, counter.files, counter.over());
    }
}
