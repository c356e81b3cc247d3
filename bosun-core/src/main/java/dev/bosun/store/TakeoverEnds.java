package dev.bosun.store;

/**
 * What a store that takes sessions over from lapsed nodes needs to end them the way every other
 * end is made: it prepares the end (time, β₁, pattern settings) and the store commits it inside its
 * own takeover transaction. {@code SessionEnds} is the implementation.
 */
@FunctionalInterface
public interface TakeoverEnds {
    /** The end of {@code sessionId}, of tenant {@code tenant}, for {@code cause}; not yet committed. */
    EndRequest prepare(String sessionId, String tenant, EndCause.TakenOver cause);
}
