package dev.bosun.delivery;

/**
 * A durable reader of checkpoint events. Each keeps its own cursor per session (the seq it has
 * consumed up to), advanced in the transaction that records what it made of the events, so a crash
 * between reading and recording replays events rather than skipping them.
 */
public enum Consumer {
    /** Derives PLATO tiles. */
    TILES,
    /** Fans checkpoint events out to webhook subscriptions. */
    WEBHOOKS
}
