package dev.bosun.tile;

import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryFilter;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryRelay;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.DeliveryStore;
import dev.bosun.delivery.TargetBacklog;
import dev.bosun.delivery.TargetHealth;
import dev.bosun.error.BosunException;
import dev.bosun.util.Page;
import dev.bosun.util.Validation;
import java.time.Clock;
import java.util.Optional;

/**
 * The tiles Bosun made of sessions' checkpoints, with their delivery state. Every call is scoped to
 * a tenant: another tenant's tile is NOT_FOUND.
 */
public final class Tiles {
    private final DeliveryStore store;
    private final Clock clock;
    private final DeliveryRelay relay;

    public Tiles(DeliveryStore store, Clock clock, DeliveryRelay relay) {
        this.store = store;
        this.clock = clock;
        this.relay = relay;
    }

    /** How the PLATO server fares as this node sees it (health is the server's, not a tenant's). */
    public TargetHealth platoHealth() {
        return relay.health(DeliveryKind.TILE, TileMaker.TARGET);
    }

    /** The tenant's pending, rejected and dead tiles, counted exactly. */
    public TargetBacklog backlog(String tenant) {
        return store.backlog(tenant, DeliveryKind.TILE).stream()
                .reduce(TargetBacklog::plus)
                .orElse(new TargetBacklog(TileMaker.TARGET, 0, 0, 0));
    }

    /**
     * Resumes sending to a paused (or down) PLATO at once, after its cause was fixed: every waiting
     * tile is due now. Returns whether it was paused or down; if the cause is not fixed, the first
     * tile sent pauses it again.
     */
    public boolean resume() {
        return relay.resume(DeliveryKind.TILE, TileMaker.TARGET);
    }

    /** A session's tiles in log order (the caller has checked the session belongs to the tenant). */
    public Page<Delivery> ofSession(String tenant, String sessionId, Optional<String> after, int limit) {
        Validation.within("limit", limit, 1, 1000);
        return store.listDeliveries(DeliveryFilter.of(tenant, DeliveryKind.TILE).withSession(sessionId), after, limit);
    }

    /** The tenant's tiles, newest first, optionally in one state. */
    public Page<Delivery> list(String tenant, Optional<DeliveryState> state, Optional<String> after, int limit) {
        Validation.within("limit", limit, 1, 1000);
        DeliveryFilter f = DeliveryFilter.of(tenant, DeliveryKind.TILE);
        return store.listDeliveries(state.map(f::withState).orElse(f), after, limit);
    }

    public Delivery get(String tenant, String tileId) {
        return store.getDelivery(tileId)
                .filter(d -> d.tenant().equals(tenant) && d.kind() == DeliveryKind.TILE)
                .orElseThrow(() -> BosunException.notFound("tile", tileId));
    }

    /** Sends a dead or rejected tile again (CONFLICT for any other state). */
    public Delivery retry(String tenant, String tileId) {
        return store.retry(get(tenant, tileId).id(), clock.instant());
    }
}
