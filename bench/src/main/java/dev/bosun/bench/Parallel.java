package dev.bosun.bench;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** Runs {@code count} indexed actions on a fixed number of virtual threads; setup, not measurement. */
final class Parallel {
    private Parallel() {}

    // A fixed set of threads pulling indexes, rather than one virtual thread per action, keeps the
    // writer's queue at a steady depth (one group commit per round) instead of 100 000 waiters at once.
    static void run(int count, int threads, IntConsumer action) throws InterruptedException {
        var next = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        var started = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofVirtual().start(() -> {
                int i;
                while (failure.get() == null && (i = next.getAndIncrement()) < count) {
                    try {
                        action.accept(i);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : started) t.join();
        if (failure.get() != null) throw new IllegalStateException("a parallel action failed", failure.get());
    }
}
