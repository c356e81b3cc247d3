package dev.bosun.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host programs the process runtime relies on. They are looked up in fixed system directories,
 * not on Bosun's PATH, so that a writable directory early on PATH cannot stand in for them.
 *
 * @param sh      a POSIX shell; its built-in {@code kill} signals process groups
 * @param setsid  util-linux {@code setsid}, which puts the worker in its own session and group
 * @param prlimit util-linux {@code prlimit}, needed only by profiles with resource limits
 */
record HostTools(Optional<Path> sh, Optional<Path> setsid, Optional<Path> prlimit) {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");

    static HostTools detect() {
        var sh = Optional.of(Path.of("/bin/sh")).filter(Files::isExecutable);
        return new HostTools(sh, find("setsid"), find("prlimit"));
    }

    private static Optional<Path> find(String name) {
        return SYSTEM_DIRS.stream()
                .map(dir -> Path.of(dir, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }
}
