package dev.bosun.sandbox;

import dev.bosun.error.BosunException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices when adopted workers exit. An adopted worker is not Bosun's child, so there is no wait()
 * to block on; one daemon thread polls {@code /proc} for all of them. It does not use
 * {@code ProcessHandle.onExit()}, whose polling backs off to seconds, compares wall-clock start times
 * and reports an unreaped zombie as alive.
 */
final class ExitWatcher implements AutoCloseable {
    private static final long POLL_MS = 200;

    private final ProcFs proc;
    private final Map<ProcessIdentity, CompletableFuture<WorkerExit>> watched = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private boolean closed;

    ExitWatcher(ProcFs proc) {
        this.proc = proc;
    }

    /** Completes with an "exit code unavailable" exit once the process is gone or replaced. */
    synchronized CompletableFuture<WorkerExit> watch(ProcessIdentity worker) {
        if (closed) throw BosunException.unavailable("the process runtime has been closed", null);
        var exit = watched.computeIfAbsent(worker, w -> new CompletableFuture<>());
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                var t = new Thread(r, "bosun-process-exit-watcher");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        }
        poll();
        return exit;
    }

    private void poll() {
        watched.forEach((worker, exit) -> {
            if (!worker.isRunning(proc)) {
                watched.remove(worker, exit);
                exit.complete(ProcessExits.adopted());
            }
        });
    }

    /** Stops watching; pending exits fail so nothing waits on them forever. */
    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) timer.shutdownNow();
        var closedError = BosunException.unavailable("the process runtime was closed before the worker exited", null);
        watched.values().forEach(f -> f.completeExceptionally(closedError));
        watched.clear();
    }
}
