package dev.bosun.delivery;

import java.util.Optional;

/** Which deliveries to list: always one tenant and kind; optionally one state, session or target. */
public record DeliveryFilter(
        String tenant,
        DeliveryKind kind,
        Optional<DeliveryState> state,
        Optional<String> sessionId,
        Optional<String> target) {
    public static DeliveryFilter of(String tenant, DeliveryKind kind) {
        return new DeliveryFilter(tenant, kind, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public DeliveryFilter withState(DeliveryState s) {
        return new DeliveryFilter(tenant, kind, Optional.of(s), sessionId, target);
    }

    public DeliveryFilter withSession(String id) {
        return new DeliveryFilter(tenant, kind, state, Optional.of(id), target);
    }

    public DeliveryFilter withTarget(String t) {
        return new DeliveryFilter(tenant, kind, state, sessionId, Optional.of(t));
    }
}
