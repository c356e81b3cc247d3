package dev.bosun.delivery;

import java.time.Duration;

/** Told about every delivery outcome, for metrics. Methods must be quick and must not throw. */
public interface DeliveryObserver {
    /** Accepted; {@code latency} runs from the event's commit to the receiver's answer. */
    default void delivered(DeliveryKind kind, Duration latency) {}

    default void rejected(DeliveryKind kind) {}

    /** An attempt failed and will be retried. */
    default void retried(DeliveryKind kind) {}

    default void dead(DeliveryKind kind) {}

    /** A target was paused: retrying could not fix what it answers ({@code cause}: {@code auth}, {@code crash}). */
    default void paused(DeliveryKind kind, String target, String cause) {}
}
