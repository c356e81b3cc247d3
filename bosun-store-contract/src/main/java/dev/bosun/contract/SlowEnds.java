package dev.bosun.contract;

import dev.bosun.store.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store under test seen through a smaller connection pool whose session ends are slow: each
 * {@code endSession} (or {@code endSessions}, for its whole batch) holds its (imagined) connection for a few milliseconds and counts how many run
 * at once. Everything else goes to the real store unchanged.
 */
final class SlowEnds {
    private static final long HOLD_MILLIS = 5;

    private SlowEnds() {}

    static Store around(Store real, int poolSize, AtomicInteger inFlight, AtomicInteger peak) {
        return (Store) Proxy.newProxyInstance(
                Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
                    if (method.getName().equals("poolSize") && method.getParameterCount() == 0) return poolSize;
                    // A call with a batch of ends holds one connection, as a single end does.
                    boolean end = method.getName().equals("endSession")
                            || method.getName().equals("endSessions");
                    if (end) {
                        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.sleep(HOLD_MILLIS);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (end) inFlight.decrementAndGet();
                    }
                });
    }
}
