package dev.bosun.sandbox.bwrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-worker cgroups for the limits rlimits cannot express: a pids limit (RLIMIT_NPROC counts a
 * whole user's processes, and does not bind uid 0 at all) and a memory limit whose OOM kills can be
 * counted afterwards. Groups are made under Bosun's own cgroup, {@code bosun-workers/<node>/<session>},
 * so Bosun's own limits still cover its workers.
 *
 * <p>Handles cgroup v1 (a hierarchy per controller) and v2 (one unified hierarchy, where Bosun's group
 * must delegate {@code pids} and {@code memory} to its children). Only v1 is exercised by this
 * repository's CI; see docs/DECISIONS.md D21.
 */
final class Cgroups {
    private static final String TOP = "bosun-workers";

    /** Where each controller's groups go: v1 one base per controller, v2 the same base twice. */
    private final Path pidsBase;

    private final Path memoryBase;
    private final boolean v2;
    private final String unusable;

    private Cgroups(Path pidsBase, Path memoryBase, boolean v2, String unusable) {
        this.pidsBase = pidsBase;
        this.memoryBase = memoryBase;
        this.v2 = v2;
        this.unusable = unusable;
    }

    static Cgroups detect() {
        return detect(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"));
    }

    static Cgroups detect(Path root, Path selfCgroup) {
        try {
            List<String> lines = Files.readAllLines(selfCgroup);
            if (Files.exists(root.resolve("cgroup.controllers"))) {
                String own = lines.stream()
                        .filter(l -> l.startsWith("0::"))
                        .map(l -> l.substring(3))
                        .findFirst()
                        .orElse("/");
                Path base = root.resolve(own.substring(1)).resolve(TOP);
                String controllers =
                        Files.readString(root.resolve(own.substring(1)).resolve("cgroup.controllers"));
                if (!controllers.contains("pids") || !controllers.contains("memory")) {
                    return none("cgroup v2 does not delegate pids and memory to Bosun's cgroup");
                }
                return probe(new Cgroups(base, base, true, null));
            }
            Path pids = v1Base(root, lines, "pids");
            Path memory = v1Base(root, lines, "memory");
            if (pids == null || memory == null) return none("no cgroup v1 pids and memory hierarchies are mounted");
            return probe(new Cgroups(pids, memory, false, null));
        } catch (IOException | RuntimeException e) {
            return none("cgroups cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static Path v1Base(Path root, List<String> lines, String controller) {
        for (String l : lines) {
            String[] f = l.split(":", 3);
            if (f.length == 3
                    && List.of(f[1].split(",")).contains(controller)
                    && Files.isDirectory(root.resolve(controller))) {
                return root.resolve(controller).resolve(f[2].substring(1)).resolve(TOP);
            }
        }
        return null;
    }

    private static Cgroups probe(Cgroups c) {
        try {
            Files.createDirectories(c.pidsBase);
            Files.createDirectories(c.memoryBase);
            if (c.v2) enableControllers(c.pidsBase);
            return c;
        } catch (IOException e) {
            return none("cannot create cgroups for workers (" + e.getClass().getSimpleName() + "); run Bosun as root or"
                    + " delegate a cgroup to it");
        }
    }

    private static void enableControllers(Path base) throws IOException {
        Files.writeString(base.getParent().resolve("cgroup.subtree_control"), "+pids +memory");
        Files.writeString(base.resolve("cgroup.subtree_control"), "+pids +memory");
    }

    private static Cgroups none(String why) {
        return new Cgroups(null, null, false, why);
    }

    boolean usable() {
        return unusable == null;
    }

    String detail() {
        return unusable == null ? (v2 ? "cgroup v2" : "cgroup v1") + " pids and memory limits" : unusable;
    }

    /**
     * Creates the worker's groups with their limits and returns the {@code cgroup.procs} files the
     * launcher must write its pid to before exec'ing bubblewrap.
     */
    List<Path> create(String name, OptionalLong pids, OptionalLong memoryBytes) throws IOException {
        var procs = new ArrayList<Path>();
        Path p = pidsBase.resolve(name);
        Files.createDirectories(p);
        if (v2) Files.writeString(p.getParent().resolve("cgroup.subtree_control"), "+pids +memory");
        if (pids.isPresent()) Files.writeString(p.resolve("pids.max"), Long.toString(pids.getAsLong()));
        procs.add(p.resolve("cgroup.procs"));
        if (v2) {
            if (memoryBytes.isPresent()) {
                Files.writeString(p.resolve("memory.max"), Long.toString(memoryBytes.getAsLong()));
                write(p.resolve("memory.swap.max"), "0");
            }
            return procs;
        }
        Path m = memoryBase.resolve(name);
        Files.createDirectories(m);
        if (memoryBytes.isPresent()) {
            Files.writeString(m.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes.getAsLong()));
            // Without swap accounting the file is absent and there is no swap to limit.
            write(m.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes.getAsLong()));
        }
        procs.add(m.resolve("cgroup.procs"));
        return procs;
    }

    /** Whether the kernel's OOM killer killed a process of the group. */
    boolean oomKilled(String name) {
        Path file = v2
                ? pidsBase.resolve(name).resolve("memory.events")
                : memoryBase.resolve(name).resolve("memory.oom_control");
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("oom_kill "))
                    return Long.parseLong(line.substring(9).trim()) > 0;
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** Kills whatever is still in the groups and removes them. Idempotent. */
    void remove(String name) {
        for (Path dir :
                v2 ? List.of(pidsBase.resolve(name)) : List.of(pidsBase.resolve(name), memoryBase.resolve(name))) {
            if (!Files.isDirectory(dir)) continue;
            for (int attempt = 0; attempt < 50; attempt++) {
                List<Long> pids = members(dir);
                pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                try {
                    Files.deleteIfExists(dir);
                    try {
                        Files.deleteIfExists(dir.getParent()); // the node's group, once its last worker is gone
                    } catch (IOException busy) {
                        // other workers of the node are still there
                    }
                    break;
                } catch (IOException e) {
                    // busy until the killed members are reaped
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Removes a group that has no members and was made more than a minute ago; otherwise leaves it. */
    void removeStale(String name) {
        Path dir = pidsBase.resolve(name);
        try {
            var made = Files.getLastModifiedTime(dir).toInstant();
            if (!members(dir).isEmpty() || made.isAfter(java.time.Instant.now().minusSeconds(60))) return;
        } catch (IOException e) {
            return;
        }
        remove(name);
    }

    /** The names of the worker groups of {@code node} that exist now, e.g. after a restart. */
    List<String> groups(String node) {
        try (var s = Files.list(pidsBase.resolve(node))) {
            return s.filter(Files::isDirectory)
                    .map(p -> node + "/" + p.getFileName())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Long> members(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream()
                    .filter(s -> !s.isBlank())
                    .map(Long::parseLong)
                    .toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    private static void write(Path file, String value) {
        try {
            if (Files.exists(file)) Files.writeString(file, value);
        } catch (IOException e) {
            // optional knob (swap accounting off): the memory limit itself is set
        }
    }

    Optional<Path> pidsBase() {
        return Optional.ofNullable(pidsBase);
    }
}
