package dev.bosun.sandbox;

import dev.bosun.error.BosunException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process worker and everything it started. The worker leads its own session and process
 * group, so the group is signalled as one (atomic against fork races); members that moved to another
 * group but stayed in the session, and descendants that left the session while still attached to the
 * tree, are signalled one by one as a backstop. A grandchild that both left the session and was
 * orphaned (a full daemon) cannot be told apart from unrelated processes and is not reached.
 *
 * <p>Safe against pid reuse: a number that is still some process's session or group id cannot be
 * handed to a new process, and the leader itself is only signalled after its start time is checked.
 */
final class ProcessTree {
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MIN_MS = 10;
    private static final long POLL_MAX_MS = 100;

    private final ProcFs proc;
    private final Path sh;

    ProcessTree(ProcFs proc, Path sh) {
        this.proc = proc;
        this.sh = sh;
    }

    void stop(ProcessIdentity worker, Duration grace) {
        var leader = proc.stat(worker.pid());
        if (leader.isPresent() && !worker.sameProcessAs(leader.get())) {
            // The pid belongs to another process now, so the worker's session and group are empty:
            // their ids would still be reserved otherwise.
            return;
        }
        var members = members(worker);
        if (members.isEmpty()) return;

        signal("TERM", worker.pid(), members);
        long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
        members = awaitGone(worker, members, deadline);
        if (members.isEmpty()) return;

        long killDeadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
        while (!members.isEmpty() && System.nanoTime() < killDeadline) {
            signal("KILL", worker.pid(), members);
            members = awaitGone(worker, members, Math.min(killDeadline, System.nanoTime() + 200_000_000L));
        }
        if (worker.isRunning(proc)) {
            throw BosunException.internal("worker process " + worker.pid() + " did not exit after SIGKILL", null);
        }
    }

    /**
     * The running processes belonging to the worker: its session and group members plus the
     * leader's descendants, as pid to start ticks.
     */
    Map<Long, Long> members(ProcessIdentity worker) {
        long sid = worker.pid();
        var out = new LinkedHashMap<Long, Long>();
        var children = new HashMap<Long, List<ProcFs.Stat>>();
        ProcFs.Stat leader = null;
        for (var s : proc.all()) {
            if (!s.running()) continue;
            children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
            if (s.session() == sid || s.pgrp() == sid) out.put(s.pid(), s.startTicks());
            if (s.pid() == sid && worker.sameProcessAs(s)) leader = s;
        }
        // Walk descendants only from the verified leader: they may have left its session.
        var queue = new ArrayDeque<ProcFs.Stat>();
        if (leader != null) queue.add(leader);
        var seen = new HashSet<Long>();
        while (!queue.isEmpty()) {
            var parent = queue.poll();
            if (!seen.add(parent.pid())) continue;
            for (var child : children.getOrDefault(parent.pid(), List.of())) {
                out.putIfAbsent(child.pid(), child.startTicks());
                queue.add(child);
            }
        }
        out.remove(ProcessHandle.current().pid());
        return out;
    }

    /** Waits until the group and every known member are gone, or the deadline passes; returns the rest. */
    private Map<Long, Long> awaitGone(ProcessIdentity worker, Map<Long, Long> known, long deadline) {
        long pause = POLL_MIN_MS;
        while (true) {
            var left = stillRunning(worker, known);
            if (left.isEmpty() || System.nanoTime() >= deadline) return left;
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            sleep(Math.max(1, Math.min(pause, remainingMs)));
            pause = Math.min(POLL_MAX_MS, pause * 2);
        }
    }

    private Map<Long, Long> stillRunning(ProcessIdentity worker, Map<Long, Long> known) {
        var left = members(worker);
        known.forEach((pid, ticks) -> proc.stat(pid)
                .filter(s -> s.running() && s.startTicks() == ticks)
                .ifPresent(s -> left.putIfAbsent(pid, ticks)));
        return left;
    }

    /** One {@code kill} covering the whole group and every known member outside it. */
    private void signal(String signal, long pgid, Map<Long, Long> members) {
        var argv = new ArrayList<String>(List.of(sh.toString(), "-c", "kill -s \"$0\" -- \"$@\"", signal, "-" + pgid));
        members.forEach((pid, ticks) -> {
            // Re-check right before signalling so a pid recycled since the scan is left alone.
            boolean same = proc.stat(pid)
                    .filter(s -> s.startTicks() == ticks && s.pgrp() != pgid)
                    .isPresent();
            if (same) argv.add(Long.toString(pid));
        });
        try {
            var kill = new ProcessBuilder(argv)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            // Exit status is non-zero whenever some target already exited; that is expected.
            if (!kill.waitFor(5, TimeUnit.SECONDS)) kill.destroyForcibly();
        } catch (IOException e) {
            throw BosunException.internal("could not run kill to stop a worker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.internal("interrupted while stopping a worker", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.internal("interrupted while stopping a worker", e);
        }
    }
}
