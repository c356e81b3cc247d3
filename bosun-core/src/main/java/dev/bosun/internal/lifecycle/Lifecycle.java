package dev.bosun.internal.lifecycle;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a fixed list of components in the order they were added and stops the started ones in the
 * reverse order, so nothing runs before what it uses exists and nothing is stopped while something
 * started after it still uses it. A start that fails stops what had started (in reverse) and is
 * rethrown; a stop that fails is logged and the remaining stops still run. Not thread-safe for
 * concurrent start and close: the owner calls {@link #start()} once, then {@link #close()}.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    /** One step: what starting it does and what stopping it does (either may do nothing). */
    private record Component(String name, Runnable start, Runnable stop) {}

    private final List<Component> components = new ArrayList<>();
    private final List<Component> started = new ArrayList<>();
    private boolean closed;

    /** Adds the next component; it starts after every one added before it and stops before them. */
    public Lifecycle add(String name, Runnable start, Runnable stop) {
        components.add(new Component(name, start, stop));
        return this;
    }

    /** The components' names in start order. */
    public List<String> names() {
        return components.stream().map(Component::name).toList();
    }

    /** Starts every component in order; on a failure stops the started ones in reverse and rethrows. */
    public synchronized void start() {
        if (!started.isEmpty() || closed) throw new IllegalStateException("a lifecycle starts once");
        for (Component c : components) {
            try {
                c.start().run();
            } catch (RuntimeException | Error e) {
                log.error("starting {} failed; stopping the {} components started before it", c.name(), started.size());
                close();
                throw e;
            }
            started.add(c);
        }
    }

    /** Stops the started components, last started first. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            try {
                c.stop().run();
            } catch (RuntimeException e) {
                log.warn("stopping {} failed; stopping the rest", c.name(), e);
            }
        }
    }
}
