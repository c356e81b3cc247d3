package dev.bosun.internal.worker;

import dev.bosun.mailbox.OutboxClaims;
import dev.bosun.sandbox.Worker;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session this node supervises: its worker, its mailbox locks and its ingestion flight, and an
 * explicit {@link State} that only moves forward, by compare-and-set. Whoever wins a transition does
 * the work that goes with it; a notice that comes too late (an exit after cleanup, a drain after
 * cleanup, a second stop) loses the compare-and-set and does nothing, without asking the store.
 *
 * <pre>
 * STARTING ──goLive──▶ LIVE ──stop/exited──▶ STOPPING ──clean──▶ CLEANED
 *     └────────────abandon / stop──────────────▲    LIVE ──clean──▶ CLEANED
 * </pre>
 */
final class SupervisedSession {
    /** Where the session is in its supervision; never moves backwards. */
    enum State {
        STARTING,
        LIVE,
        STOPPING,
        CLEANED
    }

    /** What {@link #clean()} decided. */
    enum Clean {
        /** This caller moved it to CLEANED and does the clean-up. */
        NOW,
        /** Its start is still under way: the starter cleans up once it sees the stop. */
        DEFERRED,
        /** Already cleaned by someone else. */
        REFUSED
    }

    private final String id;
    private final AtomicReference<State> state;
    private volatile Worker worker;
    /** One drain at a time; the clean-up takes it too, so a workspace is never removed under a drain. */
    final ReentrantLock drainLock = new ReentrantLock();
    /** One inbox writer at a time; the clean-up takes it too. */
    final Object inboxLock = new Object();
    /** A drain is running (single flight). */
    final AtomicBoolean flying = new AtomicBoolean();
    /** More files arrived since the running drain started. */
    final AtomicBoolean dirty = new AtomicBoolean();
    /**
     * The span of the last send's inbox delivery to this worker, taken by the next outbox ingestion
     * as its parent so that a send's trace shows the answer coming in. In memory only: a send through
     * another node, or a restart, starts the ingestion's own trace (docs/DECISIONS.md D102).
     */
    final AtomicReference<SpanContext> cause = new AtomicReference<>();
    /**
     * This node has stopped the worker (an end, a quota, a start that lost to an end): the clean-up
     * after the end then has nothing left to stop. A worker that exited on its own is not stopped, and
     * the clean-up still stops it (a runtime may hold an exited worker's container until then).
     */
    private final AtomicBoolean workerStopped = new AtomicBoolean();
    /** The outbox's claims, opened by the first drain (under {@link #drainLock}). */
    OutboxClaims claims;

    private SupervisedSession(String id, State initial, Worker worker) {
        this.id = id;
        this.state = new AtomicReference<>(initial);
        this.worker = worker;
    }

    /** A session whose worker is being started. */
    static SupervisedSession starting(String id) {
        return new SupervisedSession(id, State.STARTING, null);
    }

    /** A session whose live worker was adopted after a restart. */
    static SupervisedSession adopted(String id, Worker worker) {
        return new SupervisedSession(id, State.LIVE, worker);
    }

    /** A session being ended whose worker is gone or not supervised here: only its last outbox is taken in. */
    static SupervisedSession ending(String id) {
        return new SupervisedSession(id, State.STOPPING, null);
    }

    String id() {
        return id;
    }

    State state() {
        return state.get();
    }

    boolean isLive() {
        return state.get() == State.LIVE;
    }

    /** Whether its outbox may still be taken in: live, or stopping (the final drain). */
    boolean mayDrain() {
        State s = state.get();
        return s == State.LIVE || s == State.STOPPING;
    }

    Optional<Worker> worker() {
        return Optional.ofNullable(worker);
    }

    /** Records the started worker, before its start is committed: a stop from now on can find it. */
    void attach(Worker w) {
        this.worker = w;
    }

    /** STARTING → LIVE once RUNNING is committed; refused if a stop or an end came first. */
    boolean goLive() {
        return state.compareAndSet(State.STARTING, State.LIVE);
    }

    /** The starter gives up (its start failed): STARTING → STOPPING, so its own clean-up can run. */
    void abandon() {
        state.compareAndSet(State.STARTING, State.STOPPING);
    }

    /**
     * Bosun stops the worker (an end, a quota): LIVE or STARTING → STOPPING. Refused if it is
     * already stopping or cleaned: the worker is stopped once.
     */
    boolean stop() {
        return state.compareAndSet(State.LIVE, State.STOPPING) || state.compareAndSet(State.STARTING, State.STOPPING);
    }

    /** Records that this node stopped the worker (see {@link #workerStopped}). */
    void stopped() {
        workerStopped.set(true);
    }

    /** Whether this node has stopped the worker already. */
    boolean workerStopped() {
        return workerStopped.get();
    }

    /** The worker exited on its own: LIVE → STOPPING. Refused when Bosun stopped it or has cleaned up (a late notice). */
    boolean exited() {
        return state.compareAndSet(State.LIVE, State.STOPPING);
    }

    /**
     * The session has ended: LIVE or STOPPING → CLEANED. While its start is under way it only moves
     * to STOPPING and the starter, which alone knows the worker it is starting, finishes the clean-up.
     */
    Clean clean() {
        while (true) {
            State s = state.get();
            switch (s) {
                case CLEANED -> {
                    return Clean.REFUSED;
                }
                case STARTING -> {
                    if (state.compareAndSet(s, State.STOPPING)) return Clean.DEFERRED;
                }
                case LIVE, STOPPING -> {
                    if (state.compareAndSet(s, State.CLEANED)) return Clean.NOW;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "session " + id + " (" + state.get() + ")";
    }
}
