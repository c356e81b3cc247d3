package dev.bosun.sandbox;

import dev.bosun.error.BosunException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A process named so that a recycled pid is never mistaken for it: the pid plus when it started.
 * The start time is kept twice in a {@link WorkerRef}: as clock ticks since boot (exact and immune
 * to wall-clock steps, which shift the boot time Java derives instants from) and as epoch
 * milliseconds (readable, and the fallback for a reference that lacks ticks).
 *
 * @param startTicks  start time in clock ticks since boot, or -1 when unknown
 * @param startMillis start time in epoch milliseconds, or -1 when unknown
 */
record ProcessIdentity(long pid, long startTicks, long startMillis) {
    static final String RUNTIME = "process";
    static final String ATTR_START_TIME_MS = "start_time_ms";
    static final String ATTR_START_TICKS = "start_ticks";

    /** The identity of the process now holding {@code pid}, as far as it can be read. */
    static Optional<ProcessIdentity> current(long pid, ProcFs proc) {
        var stat = proc.stat(pid);
        long millis = startMillisOf(pid);
        if (stat.isEmpty() && millis < 0) return Optional.empty();
        return Optional.of(
                new ProcessIdentity(pid, stat.map(ProcFs.Stat::startTicks).orElse(-1L), millis));
    }

    static long startMillisOf(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().startInstant())
                .map(java.time.Instant::toEpochMilli)
                .orElse(-1L);
    }

    /** Parses a reference this runtime wrote; rejects another runtime's reference or a malformed id. */
    static ProcessIdentity fromRef(WorkerRef ref) {
        return fromRef(ref, RUNTIME);
    }

    /** As {@link #fromRef(WorkerRef)} for a runtime built on process workers, such as {@code bwrap}. */
    static ProcessIdentity fromRef(WorkerRef ref, String runtime) {
        if (!runtime.equals(ref.runtime())) {
            throw BosunException.invalid(
                    "worker_ref", "worker reference is for runtime '" + ref.runtime() + "', not '" + runtime + "'");
        }
        long pid = parseLong(ref.id());
        if (pid <= 0) throw BosunException.invalid("worker_ref", "worker reference id is not a process id");
        return new ProcessIdentity(
                pid,
                parseLong(ref.attributes().get(ATTR_START_TICKS)),
                parseLong(ref.attributes().get(ATTR_START_TIME_MS)));
    }

    WorkerRef toRef() {
        return toRef(RUNTIME);
    }

    WorkerRef toRef(String runtime) {
        var attrs = new HashMap<String, String>();
        if (startMillis >= 0) attrs.put(ATTR_START_TIME_MS, Long.toString(startMillis));
        if (startTicks >= 0) attrs.put(ATTR_START_TICKS, Long.toString(startTicks));
        return new WorkerRef(runtime, Long.toString(pid), Map.copyOf(attrs));
    }

    /**
     * Whether the process listed under this pid (running or a zombie) is this one. Without any
     * recorded start time the answer is no: an unverifiable pid must not be adopted or signalled.
     */
    boolean sameProcessAs(ProcFs.Stat stat) {
        if (stat.pid() != pid) return false;
        if (startTicks >= 0) return stat.startTicks() == startTicks;
        return startMillis >= 0 && startMillisOf(pid) == startMillis;
    }

    /** Whether this process is still running (not gone, not a zombie, not replaced). */
    boolean isRunning(ProcFs proc) {
        return proc.stat(pid)
                .filter(ProcFs.Stat::running)
                .filter(this::sameProcessAs)
                .isPresent();
    }

    private static long parseLong(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
