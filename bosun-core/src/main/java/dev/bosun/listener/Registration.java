package dev.bosun.listener;

/** A registered listener; closing it unregisters it (calls already queued are dropped). */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
