package dev.bosun.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One tile or webhook delivery and where it stands.
 *
 * @param attempts      how many times it was sent (claimed right before each send; one cut short by a crash counts)
 * @param lastStatus    the receiver's HTTP status on the last attempt, when it answered
 * @param lastError     why the last attempt failed or was rejected
 * @param remoteId      the receiver's id for it (PLATO's {@code tile_id} or {@code tile_hash})
 * @param nextAttemptAt when it is due, while it heads its lane; empty while it waits behind another
 * @param eventAt       when its event was committed
 * @param readyAt       when it first headed its lane (could first be sent): its maximum age counts from
 *                      here, so a tile that waited behind a stuck one is not dead on its first failure
 */
public record Delivery(
        String id,
        DeliveryKind kind,
        String target,
        String tenant,
        String sessionId,
        long eventSeq,
        String eventType,
        ObjectNode body,
        DeliveryState state,
        int attempts,
        Optional<Integer> lastStatus,
        Optional<String> lastError,
        Optional<String> remoteId,
        Optional<Instant> nextAttemptAt,
        Instant eventAt,
        Instant updatedAt,
        Optional<Instant> deliveredAt,
        Optional<Instant> readyAt) {
    @Override
    public ObjectNode body() {
        return body.deepCopy();
    }

    /** This delivery as claimed at {@code now}: one more attempt, due again at {@code until} (the lease's end). */
    public Delivery claimed(Instant until, Instant now) {
        return new Delivery(
                id,
                kind,
                target,
                tenant,
                sessionId,
                eventSeq,
                eventType,
                body,
                state,
                attempts + 1,
                lastStatus,
                lastError,
                remoteId,
                Optional.of(until),
                eventAt,
                now,
                deliveredAt,
                readyAt);
    }

    /** When its maximum age started: when it first headed its lane, else (never yet) its event. */
    public Instant ageFrom() {
        return readyAt.orElse(eventAt);
    }
}
