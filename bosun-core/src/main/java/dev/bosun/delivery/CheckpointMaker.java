package dev.bosun.delivery;

import java.util.List;

/** Makes deliveries from a session's unconsumed checkpoint events, for one {@link Consumer}. */
public interface CheckpointMaker {
    Consumer consumer();

    /** Called once per pass, after the pass has read its batches and before {@link #make}: refresh what it reads. */
    default void beginPass() {}

    /** The deliveries for the batch's events (none is fine: the cursor still moves past them). */
    List<NewDelivery> make(CheckpointBatch batch);
}
