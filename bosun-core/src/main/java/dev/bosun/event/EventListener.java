package dev.bosun.event;

/**
 * Told about every committed event, after the commit, in seq order per session. Listeners run on
 * Bosun's dispatcher thread: return quickly; a listener that throws is logged and skipped, and
 * never affects a session.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(Event event);
}
