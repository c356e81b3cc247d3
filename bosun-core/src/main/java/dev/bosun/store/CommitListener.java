package dev.bosun.store;

/**
 * Told after a commit that a session's log grew (or its status changed), so that waiting pollers
 * re-read the store. A hint only: listeners always re-read, never trust a value passed here.
 */
@FunctionalInterface
public interface CommitListener {
    void committed(String sessionId);
}
