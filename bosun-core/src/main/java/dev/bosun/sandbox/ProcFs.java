package dev.bosun.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Linux's {@code /proc}. Java's {@code ProcessHandle} cannot see process groups or sessions,
 * reports zombies as alive, and derives start times from a boot time that moves when the wall clock
 * is stepped; the process runtime needs all three right, so it reads the kernel's view directly.
 * Every read tolerates the process vanishing or being unreadable.
 */
final class ProcFs {
    private final Path root;

    ProcFs(Path root) {
        this.root = root;
    }

    static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /**
     * One line of {@code /proc/<pid>/stat}.
     *
     * @param startTicks clock ticks since boot at which the process started; unlike a wall-clock
     *                   instant it never changes, so it identifies a process across pid reuse
     */
    record Stat(long pid, char state, long ppid, long pgrp, long session, long startTicks) {
        /** A zombie or dead entry has exited; only its parent's bookkeeping keeps it listed. */
        boolean exited() {
            return state == 'Z' || state == 'X' || state == 'x';
        }

        boolean running() {
            return !exited();
        }
    }

    Optional<Stat> stat(long pid) {
        String line;
        try {
            line = Files.readString(root.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return parseStat(pid, line);
    }

    static Optional<Stat> parseStat(long pid, String line) {
        // The command name sits in parentheses and may itself contain spaces and ')'.
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 > line.length()) return Optional.empty();
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state) of proc(5); starttime is field 22.
        if (f.length < 20 || f[0].isEmpty()) return Optional.empty();
        try {
            return Optional.of(new Stat(
                    pid,
                    f[0].charAt(0),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every process currently listed, zombies included. */
    List<Stat> all() {
        var out = new ArrayList<Stat>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                long pid = parsePid(dir.getFileName().toString());
                if (pid > 0) stat(pid).ifPresent(out::add);
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable /proc leaves nothing to find; callers treat that as "no processes".
        }
        return out;
    }

    /** The environment the process was started (exec'd) with; empty when unreadable or gone. */
    Optional<Map<String, String>> environ(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(root.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        var env = new HashMap<String, String>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return Optional.of(env);
    }

    /** The file name of the program the process runs now ({@code /proc/<pid>/exe}), or empty when unreadable. */
    Optional<String> programName(long pid) {
        try {
            Path exe = Files.readSymbolicLink(root.resolve(Long.toString(pid)).resolve("exe"))
                    .getFileName();
            return Optional.ofNullable(exe).map(Path::toString);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The pid namespace of the process ({@code pid:[inode]}), or empty when unreadable; {@code self}
     * for this process. Processes of containers and of bubblewrap sandboxes live in namespaces of
     * their own.
     */
    Optional<String> pidNamespace(String pid) {
        try {
            return Optional.of(
                    Files.readSymbolicLink(root.resolve(pid).resolve("ns/pid")).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long parsePid(String name) {
        if (name.isEmpty() || name.length() > 10) return -1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') return -1;
        }
        return Long.parseLong(name);
    }
}
