package dev.bosun.listener;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one user listener away from Bosun's threads: calls are queued (bounded) and made one at a
 * time, in order, each on its own virtual thread with a time limit. A call that throws is logged
 * and counted; one that outlives the limit is interrupted, abandoned and counted, and the next call
 * goes ahead. Nothing a listener does can block a commit, a poll or the reaper.
 */
final class IsolatedListener<T> implements Registration {
    private static final Logger log = LoggerFactory.getLogger(IsolatedListener.class);
    static final int QUEUE = 10_000;

    private final String name;
    private final Consumer<T> listener;
    private final Duration timeout;
    private final ExecutorService calls;
    private final Counters counters;
    private final BlockingQueue<Supplier<T>> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Runnable onClose;
    private final Thread worker;
    private volatile boolean closed;

    /** Counters shared by every listener of one manager. */
    static final class Counters {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        ListenerStats snapshot() {
            return new ListenerStats(calls.get(), failures.get(), timeouts.get(), dropped.get());
        }
    }

    IsolatedListener(
            String name,
            Consumer<T> listener,
            Duration timeout,
            ExecutorService calls,
            Counters counters,
            Runnable onClose) {
        this.name = name;
        this.listener = listener;
        this.timeout = timeout;
        this.calls = calls;
        this.counters = counters;
        this.onClose = onClose;
        this.worker = Thread.ofVirtual().name("bosun-listener-" + name).start(this::drain);
    }

    /** Queues a call; the value is computed on the listener's own thread (it may read the store). */
    void offer(Supplier<T> value) {
        if (closed) return;
        if (!queue.offer(value)) {
            long n = counters.dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0)
                log.warn("{} listener is {} calls behind; dropped a call ({} so far)", name, QUEUE, n);
        }
    }

    private void drain() {
        while (!closed) {
            Supplier<T> next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            callOnce(next);
        }
    }

    private void callOnce(Supplier<T> value) {
        Future<?> f = calls.submit(() -> {
            T v = value.get();
            if (v != null) listener.accept(v);
            return null;
        });
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            counters.calls.incrementAndGet();
        } catch (TimeoutException e) {
            f.cancel(true);
            counters.timeouts.incrementAndGet();
            log.warn("{} listener did not return within {} ms; abandoned that call", name, timeout.toMillis());
        } catch (ExecutionException e) {
            counters.failures.incrementAndGet();
            log.warn("{} listener threw; the session is not affected", name, e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        queue.clear();
        onClose.run();
    }
}
