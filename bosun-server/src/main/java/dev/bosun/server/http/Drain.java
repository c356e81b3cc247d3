package dev.bosun.server.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's shutdown state: once {@link #start() started}, new requests are refused with 503 and
 * {@code Retry-After} (but {@code /healthz} and {@code /metrics}), streams are told to reconnect and
 * long-polls are answered; {@link #awaitIdle} waits for the requests already in flight.
 */
public final class Drain {
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();

    public void start() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** Requests inside the server now. */
    public int inFlight() {
        return inFlight.get();
    }

    void enter() {
        inFlight.incrementAndGet();
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no request is in flight or {@code deadlineNanos} (of {@link System#nanoTime}) passes; true when idle. */
    public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (this) {
            while (inFlight.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
        }
        return true;
    }
}
