package dev.bosun.internal.tap;

import dev.bosun.store.CommitListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wakes long-polls when a session's log changes. A waiter takes a {@link #ticket} <em>before</em>
 * reading the store and then waits on it, so a commit between the read and the wait still wakes
 * it. Commits complete the session's current ticket; the next waiter gets a fresh one.
 */
public final class EventNotifier implements CommitListener {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> tickets = new ConcurrentHashMap<>();

    /** The future the next commit to {@code sessionId} completes. */
    public CompletableFuture<Void> ticket(String sessionId) {
        return tickets.computeIfAbsent(sessionId, k -> new CompletableFuture<>());
    }

    @Override
    public void committed(String sessionId) {
        CompletableFuture<Void> f = tickets.remove(sessionId);
        if (f != null) f.complete(null);
    }

    /** Waits for the ticket up to {@code timeout}; returns whether it fired. */
    public static boolean await(CompletableFuture<Void> ticket, Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) return ticket.isDone();
        try {
            ticket.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /**
     * Whether a poll of {@code sessionId} has taken the ticket the next commit completes: from then on a
     * commit wakes it, so a test awaits this instead of sleeping before it sends. (A poll that has since
     * returned leaves its ticket until that commit.)
     */
    public boolean hasTicket(String sessionId) {
        return tickets.containsKey(sessionId);
    }

    /** Sessions with someone waiting, for diagnostics and tests. */
    public int waitingSessions() {
        return tickets.size();
    }
}
