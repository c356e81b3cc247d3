package dev.bosun.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A delivery made from one checkpoint event for one target.
 *
 * @param target  {@code plato} for tiles, the subscription id for webhooks; with the session it names
 *                the lane whose deliveries go out one at a time, in seq order
 * @param body    the tile (its answer as an object) or the webhook body
 * @param state   {@link DeliveryState#PENDING} to send, {@link DeliveryState#LOCAL} to keep only
 * @param eventAt when the event was committed: delivery latency and the maximum age count from here
 */
public record NewDelivery(
        String id,
        DeliveryKind kind,
        String target,
        String tenant,
        String sessionId,
        long eventSeq,
        String eventType,
        ObjectNode body,
        DeliveryState state,
        Instant eventAt) {}
