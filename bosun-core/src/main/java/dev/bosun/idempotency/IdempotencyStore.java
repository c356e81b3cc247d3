package dev.bosun.idempotency;

import java.time.Instant;
import java.util.Optional;

/**
 * The {@code idempotency_keys} table of a store. Keys are written by the store itself, inside the
 * transaction of the first write a request makes while its claim is bound ({@link IdempotencyScope});
 * this interface reads them, stores the response, and purges expired ones.
 */
public interface IdempotencyStore {

    /** The record of {@code key} for this tenant and route, if one is stored (expired or not). */
    Optional<IdempotencyRecord> find(String tenant, String route, String key);

    /**
     * Stores the response of a claim: fills in the row its effect wrote, or inserts the row when the
     * request made no write of its own. Never replaces a response already stored.
     */
    void complete(IdempotencyClaim claim, StoredResponse response);

    /** Deletes keys that expired at or before {@code now}, at most {@code limit}; returns how many. */
    int purgeExpired(Instant now, int limit);
}
