package dev.bosun.store;

import dev.bosun.delivery.DeliveryStore;
import dev.bosun.fleet.FleetStore;
import dev.bosun.idempotency.IdempotencyStore;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * The durable state of a Bosun node, the single source of truth, made of the parts its callers use:
 * {@link SessionStore} (sessions, events, tasks: the API), {@link WorkerStore} (the worker
 * supervisor), {@link DeadlineStore} (the reaper), {@link FleetStore} (the fleet router), and the
 * parts it hands out, {@link #deliveries()} (the relay) and {@link #idempotency()} (the API's
 * idempotency keys). A component takes the narrowest part it needs; only the front door that wires
 * them holds the whole (D107).
 */
public interface Store extends SessionStore, WorkerStore, DeadlineStore, FleetStore, AutoCloseable {

    /** Cursors, tiles, webhook deliveries and subscriptions: what the relay works from. */
    DeliveryStore deliveries();

    /** What {@link #poolSize()} answers for a store without a connection limit (the default {@code store_pool_size}). */
    int DEFAULT_POOL_SIZE = 16;

    /**
     * How many connections this store's callers can hold at once (PostgreSQL: {@code store_pool_size}).
     * Work that fans out, such as a reaper sweep, keeps to half of it so that API calls still get a
     * connection. A store that queues its writes instead answers {@link #DEFAULT_POOL_SIZE}.
     */
    @Override
    default int poolSize() {
        return DEFAULT_POOL_SIZE;
    }

    /** A task's timeout as the API's completions make it: read, then the timed-out completion's compare-and-set. */
    @Override
    default boolean timeOutTask(DueTask task, String error, Instant at) {
        var before = getTask(task.sessionId(), task.taskId());
        var after = completeTask(TaskCompletion.ifTimedOut(task.sessionId(), task.taskId(), error, at));
        return before.map(b -> b.isActive() && !after.isActive()).orElse(false);
    }

    @Override
    default int purgeIdempotencyKeys(Instant now, int limit) {
        return idempotency().purgeExpired(now, limit);
    }

    /** Idempotency keys of the HTTP API's writes: read, completed and purged here, written with the effect (D78). */
    IdempotencyStore idempotency();

    /** Is the database reachable? For readiness checks. */
    boolean healthy();

    /**
     * The store's own view of its write health, kept up to date by its writes and a background
     * probe: answering costs no database round trip (readiness asks it on every request).
     */
    default StoreHealth health() {
        return healthy()
                ? StoreHealth.HEALTHY
                : new StoreHealth(StoreHealth.State.UNREACHABLE, "the store is unreachable");
    }

    /** Registers a listener told after every commit that changes a session's log or status. */
    void addCommitListener(CommitListener listener);

    /**
     * Registers a listener told when another node sharing the database committed a change to a
     * session (a hint, like {@link #addCommitListener}). A single-node store has no peers and never
     * calls it. Peer commits also reach the ordinary commit listeners; this one is for work only
     * the session's owner does, such as writing the worker's inbox.
     */
    default void addPeerCommitListener(CommitListener listener) {}

    /**
     * Gives a store that takes sessions over from lapsed nodes the way this node ends sessions (its
     * clock, pattern settings and β₁), so a failover end is made like every other. A single-node
     * store takes nothing over and ignores it.
     */
    default void takeoverEnds(TakeoverEnds ends) {}

    /** Registers an observer of how long each commit took, in nanoseconds (for metrics). */
    default void addCommitTimer(LongConsumer nanos) {}

    @Override
    void close();
}
