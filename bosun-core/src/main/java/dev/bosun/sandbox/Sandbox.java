package dev.bosun.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A worker runtime: starts a session's worker, finds it again after a restart, and stops it.
 * Implementations: {@link ProcessSandbox} here; bubblewrap and Docker in their own modules.
 *
 * <p>Every method is safe to call from several threads. {@link #stop} is idempotent.
 */
public interface Sandbox extends AutoCloseable {
    /** The runtime name profiles use: {@code process}, {@code bwrap}, {@code docker}. */
    String runtime();

    /** Whether this runtime is usable here, and why not. Never throws. */
    Availability availability();

    /**
     * Starts a worker. Throws {@code BosunException} with UNAVAILABLE when the runtime is not usable,
     * or INTERNAL with a sanitized reason (no host paths) when the start fails.
     */
    Worker start(WorkerSpec spec);

    /**
     * Re-attaches to a worker started earlier (before a restart). Empty when it is gone or when the
     * reference now names something else (a recycled pid).
     */
    Optional<Worker> adopt(WorkerRef ref);

    /** Workers of this runtime labelled for {@code nodeId}, for reconciliation of orphans. */
    List<LabelledWorker> list(String nodeId);

    /**
     * Stops the worker and everything it started: a graceful signal, then a forced kill after
     * {@code grace}. Returns once it is gone. A worker that is already gone is not an error.
     */
    void stop(WorkerRef ref, Duration grace);

    /**
     * Keeps pre-started workers ready for the given profiles (those with {@code warm_pool > 0}, as
     * they run for a request that asks for nothing), so that starting a session's worker is a claim.
     * Called once when the supervisor starts; runtimes without a pool ignore it.
     *
     * @param dataDir where pooled workers' mailboxes live until a session claims them
     * @param nodeId  the node label pooled workers carry, as in {@link #list}
     */
    default void prewarm(List<dev.bosun.config.Profile> profiles, java.nio.file.Path dataDir, String nodeId) {}

    @Override
    default void close() {}

    /** A worker found by {@link #list}: its reference and the session it is labelled with. */
    record LabelledWorker(WorkerRef ref, String sessionId) {}
}
